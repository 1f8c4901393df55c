"""The lab: corpora, training, resource building, evaluation and benchmarks. Checked out, never installed:
the runtime (`workers`) never imports it (an import contract in `make lint` says so)."""
