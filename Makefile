# Khabar: `make demo` and `make test` set up everything they need on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test lint unit integration model evaluate bench bench-tagger clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python -m workers demo

lint: setup
	$(BIN)/ruff check workers tests
	$(BIN)/ruff format --check workers tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

unit: setup
	$(BIN)/pytest -m "not integration"

integration: setup
	$(BIN)/pytest -m integration

model: setup
	$(BIN)/python -m workers.nlp.entities.train

evaluate: setup
	$(BIN)/python -m workers evaluate ../shared/data/ner/anercorp/ANERCorp_CamelLab_test.txt

bench: setup
	$(BIN)/python -m workers bench --json bench.json

bench-tagger: setup
	$(BIN)/python -m workers.nlp.entities.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
