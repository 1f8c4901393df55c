"""Khabar: enrich news articles (language, Arabic normalization, entities) on Kafka streams."""

__version__ = "0.1.0"
