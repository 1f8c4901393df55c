"""Trending entities as pure code: bucket arithmetic, exact per-bucket counts, ranking; no Kafka here.

The Kafka glue is `workers.stream.trends`; the design (state, commits, why the counts are exact) is in
its docstring.
"""
