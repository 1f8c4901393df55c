# Khabar stream worker. Build: docker compose build   Run: docker compose up --scale worker=3
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin khabar

# CPU-only torch first: the project pins torch==2.13.0, which 2.13.0+cpu satisfies, so the
# `pip install .` below keeps it instead of pulling the much larger default (CUDA) build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

WORKDIR /src
COPY pyproject.toml README.md ./
COPY workers/ workers/
RUN pip install . && rm -rf /src

# The record schemas (validated at run time) and the sample articles (`khabar produce /seeds/articles.jsonl`).
COPY schemas/ /opt/khabar/schemas/
COPY seeds/ /seeds/
ENV KHABAR_SCHEMA_DIR=/opt/khabar/schemas \
    KHABAR_SEEDS_DIR=/seeds \
    KHABAR_DATA_DIR=/home/khabar/state

USER khabar
# Faust keeps its table state under the working directory, so it must be writable by the worker.
WORKDIR /home/khabar

# CMD, not ENTRYPOINT: `docker compose run --rm cli khabar produce ...` replaces it whole.
CMD ["khabar", "worker"]
