"""The text pipeline: pure functions and components with no Kafka import."""
