# Khabar stream worker. Build: docker compose build   Run: docker compose up --scale worker=3
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin khabar

# Optional extras, comma-separated: `docker build --build-arg KHABAR_EXTRAS=neural .` (neural, bert).
# The default image has no torch: the CRF tagger does not need it.
ARG KHABAR_EXTRAS=""

# The runtime only: workers/, not the lab. schemas/ is copied beside it because the package's
# workers/contract/data links to it: the wheel carries the record schemas the worker validates against.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas/ schemas/
COPY workers/ workers/
# The extras that bring torch also read the CPU index, whose 2.13.0+cpu pip prefers to PyPI's CUDA
# build of 2.13.0 (a local version sorts after its public one).
RUN case ",$KHABAR_EXTRAS," in \
        *,neural,* | *,bert,*) export PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu ;; \
    esac \
    && pip install ".${KHABAR_EXTRAS:+[$KHABAR_EXTRAS]}" \
    && rm -rf /src

# The sample articles (`khabar produce /seeds/articles.jsonl`).
COPY seeds/ /seeds/
ENV KHABAR_SEEDS_DIR=/seeds \
    KHABAR_DATA_DIR=/home/khabar/state

USER khabar
# Faust keeps its table state under the working directory, so it must be writable by the worker.
WORKDIR /home/khabar

# Liveness: the worker serves /health on KHABAR_METRICS_PORT (9400) while the process and its event loop are
# alive; urllib, as the image has no curl. docker-compose.yml checks /ready instead, and turns the check off
# for one-off commands. A worker run with KHABAR_METRICS_PORT=0 serves nothing and shows as unhealthy.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('KHABAR_METRICS_PORT', '9400') + '/health', timeout=3)"]

# CMD, not ENTRYPOINT: `docker compose run --rm cli khabar produce ...` replaces it whole.
CMD ["khabar", "worker"]
