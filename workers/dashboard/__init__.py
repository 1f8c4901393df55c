"""`khabar dashboard`: a page that shows the stream as it goes, served from this package.

- `state`: the view, folded from records and offsets; pure (no Kafka), bounded, unit-tested.
- `feed`: the thread that reads the topics into the view (kafka-python, no consumer group).
- `server`: the HTTP server of the page, its assets (`static/`), `/api/state` and `/health`.
"""
