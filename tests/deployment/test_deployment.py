"""Static checks of the deployment files and sample inputs: this machine has no Docker engine to run them."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.brokers import client_environment
from workers.brokers import free_port
from workers.brokers.apache_kafka import SINGLE_NODE_SETTINGS
from workers.brokers.kafka_jars import KAFKA_VERSION
from workers.settings import Settings
from workers.stream.health import Heartbeat, Readiness, serve
from workers.stream.metrics import StreamMetrics

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SERVICE = "kafka"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

LISTENER = re.compile(r"^(?P<name>[A-Z_]+)://(?P<host>[^:]*):(?P<port>\d+)$")
CONTINUED_LINE = re.compile(r"\\\n")
DOCKERFILE_INSTRUCTION = re.compile(r"^(?P<keyword>[A-Z]+)\s+(?P<arguments>.*)$")
CLUSTER_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


# --- docker-compose.yml --------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    """Parse docker-compose.yml (YAML merge keys included, as Compose resolves them)."""
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose


def service(name: str) -> dict[str, Any]:
    """One service block of the compose file."""
    services: dict[str, dict[str, Any]] = load_compose()["services"]
    return services[name]


def environment(name: str) -> dict[str, str]:
    """A service's environment as strings, whether written as a mapping or as a list of KEY=VALUE."""
    env = service(name).get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def kafka_env(key: str) -> str:
    """One setting of the Kafka service."""
    return environment(KAFKA_SERVICE)[f"KAFKA_{key}"]


def listeners(key: str) -> dict[str, tuple[str, int]]:
    """A KAFKA_*LISTENERS setting as {listener name: (host, port)}."""
    parsed: dict[str, tuple[str, int]] = {}
    for item in kafka_env(key).split(","):
        match = LISTENER.match(item.strip())
        assert match, f"KAFKA_{key} entry {item!r} is not NAME://host:port"
        parsed[match["name"]] = (match["host"], int(match["port"]))
    return parsed


def security_protocol_map() -> dict[str, str]:
    """KAFKA_LISTENER_SECURITY_PROTOCOL_MAP as {listener name: protocol}."""
    return dict(item.strip().split(":", 1) for item in kafka_env("LISTENER_SECURITY_PROTOCOL_MAP").split(","))


def internal_listener_port() -> int:
    """Port of the listener the brokers and the other containers use."""
    return listeners("LISTENERS")[kafka_env("INTER_BROKER_LISTENER_NAME")][1]


def test_kafka_image_is_the_release_the_tests_run() -> None:
    assert service(KAFKA_SERVICE)["image"] == f"apache/kafka:{KAFKA_VERSION}"


def test_kafka_has_the_broker_settings_the_tests_run_with() -> None:
    """The apache/kafka image maps KAFKA_X_Y to the broker setting x.y."""
    settings = {
        key.removeprefix("KAFKA_").lower().replace("_", "."): value
        for key, value in environment(KAFKA_SERVICE).items()
        if key.startswith("KAFKA_")
    }
    assert SINGLE_NODE_SETTINGS.items() <= settings.items()


def test_the_worker_runs_with_the_settings_of_the_kafka_test_run() -> None:
    """Only the bootstrap servers and the metrics address differ: every other setting is the default in both."""
    tested = client_environment("kafka", "127.0.0.1:9092")
    assert set(tested) == {"KAFKA_BOOTSTRAP_SERVERS"}
    assert set(environment("worker")) == {"KAFKA_BOOTSTRAP_SERVERS", "KHABAR_METRICS_HOST"}


def test_the_worker_serves_metrics_beyond_its_containers_loopback() -> None:
    """Prometheus scrapes worker:9400 over the compose network; the default 127.0.0.1 would refuse it."""
    assert environment("worker")["KHABAR_METRICS_HOST"] == "0.0.0.0"


def test_kafka_runs_combined_broker_and_controller_with_its_node_among_the_voters() -> None:
    assert set(kafka_env("PROCESS_ROLES").split(",")) == {"broker", "controller"}
    voter_ids = [voter.split("@", 1)[0] for voter in kafka_env("CONTROLLER_QUORUM_VOTERS").split(",")]
    assert voter_ids == [kafka_env("NODE_ID")]


def test_quorum_voter_points_at_the_controller_listener_of_this_service() -> None:
    voter_address = kafka_env("CONTROLLER_QUORUM_VOTERS").split("@", 1)[1]
    controller_port = listeners("LISTENERS")[kafka_env("CONTROLLER_LISTENER_NAMES")][1]
    assert voter_address == f"{KAFKA_SERVICE}:{controller_port}"


def test_every_listener_named_anywhere_has_a_security_protocol() -> None:
    named = (
        set(listeners("LISTENERS"))
        | set(listeners("ADVERTISED_LISTENERS"))
        | {kafka_env("CONTROLLER_LISTENER_NAMES"), kafka_env("INTER_BROKER_LISTENER_NAME")}
    )
    assert named <= set(security_protocol_map())


def test_listener_ports_are_distinct_and_the_controller_is_not_advertised() -> None:
    bound = listeners("LISTENERS")
    assert len({port for _, port in bound.values()}) == len(bound)
    assert kafka_env("CONTROLLER_LISTENER_NAMES") not in listeners("ADVERTISED_LISTENERS")


def test_containers_reach_the_broker_by_service_name_and_the_host_by_localhost() -> None:
    advertised = listeners("ADVERTISED_LISTENERS")
    assert advertised[kafka_env("INTER_BROKER_LISTENER_NAME")] == (KAFKA_SERVICE, internal_listener_port())
    host_listeners = [address for address in advertised.values() if address[0] == "localhost"]
    assert host_listeners == [("localhost", 9094)]
    assert "127.0.0.1:9094:9094" in service(KAFKA_SERVICE)["ports"]


@pytest.mark.parametrize(
    "key",
    [
        "OFFSETS_TOPIC_REPLICATION_FACTOR",
        "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "TRANSACTION_STATE_LOG_MIN_ISR",
    ],
)
def test_internal_topics_fit_a_single_node(key: str) -> None:
    assert kafka_env(key) == "1"


def test_cluster_id_is_a_base64_uuid() -> None:
    assert CLUSTER_ID.match(environment(KAFKA_SERVICE)["CLUSTER_ID"])


def test_topics_are_never_auto_created_so_typos_fail_loudly() -> None:
    assert kafka_env("AUTO_CREATE_TOPICS_ENABLE") == "false"


def test_kafka_healthcheck_asks_the_internal_listener() -> None:
    command = service(KAFKA_SERVICE)["healthcheck"]["test"]
    assert command[0] == "CMD"
    assert command[1].startswith("/opt/kafka/bin/")
    assert command[command.index("--bootstrap-server") + 1] == f"localhost:{internal_listener_port()}"


def test_compose_counts_a_worker_healthy_once_it_is_ready() -> None:
    check = service("worker")["healthcheck"]
    assert check["test"][:3] == ["CMD", "python", "-c"]
    assert "/ready" in check["test"][3]


def test_a_one_off_cli_container_has_no_health_check() -> None:
    assert service("cli")["healthcheck"] == {"disable": True}


def test_worker_starts_only_once_kafka_is_healthy() -> None:
    assert service("worker")["depends_on"][KAFKA_SERVICE]["condition"] == "service_healthy"


def test_worker_can_be_scaled_out() -> None:
    worker = service("worker")
    assert "container_name" not in worker
    assert "ports" not in worker


def test_worker_bootstraps_from_the_internal_listener() -> None:
    assert environment("worker")["KAFKA_BOOTSTRAP_SERVERS"] == f"{KAFKA_SERVICE}:{internal_listener_port()}"


def test_worker_runs_the_worker_command_and_restarts_on_failure() -> None:
    worker = service("worker")
    assert worker["command"] == ["khabar", "worker"]
    assert worker["restart"] == "on-failure"


def test_docker_waits_for_a_stopping_worker_longer_than_the_worker_waits_for_the_broker() -> None:
    grace = service("worker")["stop_grace_period"]
    assert grace.endswith("s") and float(grace[:-1]) > Settings().shutdown_timeout


def test_cli_is_an_opt_in_tool_on_the_worker_image_with_the_seeds_mounted() -> None:
    cli, worker = service("cli"), service("worker")
    assert cli["profiles"] == ["tools"]
    assert (cli["image"], cli["build"]) == (worker["image"], worker["build"])
    assert environment("cli") == environment("worker")
    assert "./seeds:/seeds:ro" in cli["volumes"]


# --- Dockerfile ----------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, with continuation lines joined and comments dropped."""
    text = CONTINUED_LINE.sub(" ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    instructions = []
    for line in text.splitlines():
        match = DOCKERFILE_INSTRUCTION.match(line.strip())
        if match:
            instructions.append((match["keyword"], match["arguments"]))
    return instructions


def index_of(predicate: Callable[[str, str], bool]) -> int:
    """Position of the only instruction matching predicate."""
    found = [i for i, (keyword, arguments) in enumerate(dockerfile_instructions()) if predicate(keyword, arguments)]
    assert len(found) == 1, found
    return found[0]


def installs_project(keyword: str, arguments: str) -> bool:
    """The RUN that pip-installs the project (with the chosen extras)."""
    return keyword == "RUN" and "pip install" in arguments


def pip_calls(extras: str) -> list[tuple[str, list[str]]]:
    """What the install RUN asks of pip when built with KHABAR_EXTRAS=extras: (extra index, arguments) per call.

    The RUN runs under /bin/sh as in a build, with `pip` and `rm` replaced by shell functions that only record.
    """
    recorder = 'pip() { printf "%s" "${PIP_EXTRA_INDEX_URL:-}"; printf "\\t%s" "$@"; printf "\\n"; }; rm() { :; }; '
    script = dockerfile_instructions()[index_of(installs_project)][1]
    completed = subprocess.run(
        ["/bin/sh", "-c", recorder + script],
        env={"PATH": os.environ["PATH"], "KHABAR_EXTRAS": extras},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    calls = [line.split("\t") for line in completed.stdout.splitlines()]
    return [(index, arguments) for index, *arguments in calls]


def test_base_image_is_python_311_slim() -> None:
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")


def test_extras_build_argument_is_empty_by_default_and_declared_before_the_install() -> None:
    instructions = dockerfile_instructions()
    declared = instructions.index(("ARG", 'KHABAR_EXTRAS=""'))
    assert 0 < declared < index_of(installs_project)


def test_default_image_installs_the_project_alone_and_no_extra() -> None:
    """No extra, hence no torch or camel-tools: tests/test_install.py checks that the default dependencies hold
    neither."""
    assert pip_calls("") == [("", ["install", "."])]


# The extras that bring torch are neural and bert (tests/test_install.py checks that against pyproject.toml).
@pytest.mark.parametrize(
    ("extras", "reads_cpu_index"),
    [("neural", True), ("bert", True), ("resources,neural", True), ("resources", False), ("dev", False)],
)
def test_extras_argument_selects_the_extras_and_the_cpu_index_only_for_torch(
    extras: str, reads_cpu_index: bool
) -> None:
    [(index, project)] = pip_calls(extras)

    assert project == ["install", f".[{extras}]"]
    assert index == (TORCH_CPU_INDEX if reads_cpu_index else "")


def test_the_image_installs_no_camel_tools_of_its_own() -> None:
    """The runtime does not import it (only the lab and the tests do); the bert extra brings it, declared."""
    assert [arguments for _, arguments in dockerfile_instructions() if "camel" in arguments.lower()] == []


def test_everything_pip_install_reads_is_copied_before_it() -> None:
    instructions = dockerfile_instructions()
    copied = {
        source.rstrip("/")
        for keyword, arguments in instructions[: index_of(installs_project)]
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    }
    assert {"pyproject.toml", "README.md", "workers", "schemas"} <= copied


def copied_sources() -> dict[str, str]:
    """Every COPY of the Dockerfile as {source: destination}."""
    return {
        source.rstrip("/"): arguments.split()[-1]
        for keyword, arguments in dockerfile_instructions()
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    }


def test_the_image_copies_the_runtime_and_not_the_lab() -> None:
    assert set(copied_sources()) == {"pyproject.toml", "README.md", "schemas", "workers", "seeds"}


def test_the_schemas_go_into_the_build_context_where_the_package_links_to_them() -> None:
    """Installed from the build context, the wheel carries the schemas (tests/deployment/test_wheel.py); the
    image has no copy of its own and no setting that points elsewhere."""
    link = ROOT / "workers" / "contract" / "data"
    assert link.is_symlink()
    assert link.resolve() == ROOT / "schemas"
    sources = copied_sources()
    assert (sources["schemas"], sources["workers"]) == ("schemas/", "workers/")  # siblings, as in the checkout
    assert ("WORKDIR", "/src") in dockerfile_instructions()[: index_of(installs_project)]
    environment = " ".join(arguments for keyword, arguments in dockerfile_instructions() if keyword == "ENV")
    assert "SCHEMA" not in environment


def test_image_carries_the_seed_articles_at_slash_seeds() -> None:
    assert ("COPY", "seeds/ /seeds/") in dockerfile_instructions()


def test_nothing_the_dockerfile_copies_is_docker_ignored() -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    copied = {
        source.rstrip("/")
        for keyword, arguments in dockerfile_instructions()
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    }
    assert ".git" in ignored
    assert not copied & ignored


def test_container_runs_as_a_non_root_user() -> None:
    users = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "USER"]
    assert users
    assert users[-1] not in {"root", "0", "0:0"}


def test_default_command_is_the_worker_and_can_be_replaced_whole() -> None:
    instructions = dockerfile_instructions()
    assert [arguments for keyword, arguments in instructions if keyword == "ENTRYPOINT"] == []
    commands = [json.loads(arguments) for keyword, arguments in instructions if keyword == "CMD"]
    assert commands[-1] == ["khabar", "worker"]


def dockerfile_health_check() -> list[str]:
    """The command of the Dockerfile's only HEALTHCHECK, in exec form."""
    [arguments] = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "HEALTHCHECK"]
    options, command = arguments.split(" CMD ", 1)
    assert "--interval=" in options
    check: list[str] = json.loads(command)
    return check


def test_the_image_checks_liveness_at_slash_health() -> None:
    check = dockerfile_health_check()
    assert check[:2] == ["python", "-c"]
    assert "/health" in check[2]


def exit_code(check: str, port: int) -> int:
    """The exit code of a health check's `python -c` program, run here as in the image (no curl)."""
    environment = {"PATH": os.environ["PATH"], "KHABAR_METRICS_PORT": str(port)}
    command = [sys.executable, "-c", check]
    return subprocess.run(command, env=environment, capture_output=True, timeout=30, check=False).returncode


def test_the_image_health_check_passes_while_the_event_loop_beats_and_fails_once_it_stalls() -> None:
    clock = [1000.0]
    heartbeat = Heartbeat(lambda: clock[0])
    port = free_port()
    server = serve("127.0.0.1", port, StreamMetrics().registry, heartbeat, Readiness())
    assert server is not None
    try:
        heartbeat.beat()
        assert exit_code(dockerfile_health_check()[2], port) == 0
        clock[0] += 60  # no beat for a minute
        assert exit_code(dockerfile_health_check()[2], port) != 0
    finally:
        server.stop()


def test_the_compose_health_check_passes_only_while_the_worker_is_ready() -> None:
    readiness, assigned = Readiness(), threading.Event()
    readiness.require("no partitions assigned yet", assigned.is_set)
    port = free_port()
    server = serve("127.0.0.1", port, StreamMetrics().registry, Heartbeat(), readiness)
    assert server is not None
    check = service("worker")["healthcheck"]["test"][3]
    try:
        assert exit_code(check, port) != 0
        assigned.set()
        assert exit_code(check, port) == 0
    finally:
        server.stop()


def test_python_output_is_unbuffered_so_logs_reach_docker_at_once() -> None:
    env_settings = " ".join(arguments for keyword, arguments in dockerfile_instructions() if keyword == "ENV")
    assert "PYTHONUNBUFFERED=1" in env_settings.split()


# --- sample and odd inputs -----------------------------------------------------------------------

SEEDS = ROOT / "seeds" / "articles.jsonl"
ODD_ARTICLES = ROOT / "tests" / "data" / "odd_articles.jsonl"


def read_jsonl(path: Path) -> list[Any]:
    """Every non-blank line of a JSON Lines file, parsed."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def odd_article(article_id: str) -> dict[str, Any]:
    """The odd article with this id."""
    by_id: dict[str, dict[str, Any]] = {record["id"]: record for record in read_jsonl(ODD_ARTICLES)}
    return by_id[article_id]


@pytest.mark.parametrize("path", [SEEDS, ODD_ARTICLES], ids=lambda path: path.name)
def test_articles_are_objects_with_unique_ids_and_a_text_body(path: Path) -> None:
    records = read_jsonl(path)
    assert records
    assert all(isinstance(record, dict) for record in records)
    ids = [record["id"] for record in records]
    assert all(isinstance(article_id, str) and 0 < len(article_id) <= 256 for article_id in ids)
    assert len(set(ids)) == len(ids)
    assert all(isinstance(record["body"], str) for record in records)


def test_seeds_cover_every_language_the_worker_tells_apart() -> None:
    languages = [record["language"] for record in read_jsonl(SEEDS)]
    assert {"ar", "en", "fr", "fa", "ur"} <= set(languages)
    assert languages.count("ar") > len(languages) / 2


ZERO_WIDTH_AND_BIDI_MARKS = "\u200b\u200c\u200d\u200e\u200f"


@pytest.mark.parametrize(
    ("article_id", "promise"),
    [
        ("odd-empty-title", lambda record: record["title"] == ""),
        ("odd-empty-body", lambda record: record["body"] == ""),
        (
            "odd-long-arabic-token-5000",
            lambda record: len(record["body"]) == 5000 and record["body"].isalpha(),
        ),
        (
            "odd-bidi-marks-zero-width-crlf",
            lambda record: set(ZERO_WIDTH_AND_BIDI_MARKS) <= set(record["body"]),
        ),
        ("odd-bidi-marks-zero-width-crlf", lambda record: "\r\n" in record["body"]),
        (
            "odd-mixed-scripts-emoji",
            lambda record: "\U0001f3fd" in record["body"] and "\u200d" in record["body"],
        ),
        ("odd-tatweel-stretched", lambda record: "\u0640" in record["body"]),
        (
            "odd-arabic-indic-and-persian-digits",
            lambda record: "٠" in record["body"] and "۰" in record["body"],
        ),
        ("odd-punctuation-only", lambda record: not any(char.isalnum() for char in record["body"])),
        (
            "odd-html-markup-entities",
            lambda record: "&#1605;" in record["body"] and "<script>" in record["body"],
        ),
    ],
)
def test_odd_article_holds_the_oddity_its_id_names(article_id: str, promise: Callable[[dict[str, Any]], bool]) -> None:
    assert promise(odd_article(article_id))


def test_odd_article_id_at_the_length_limit_is_exactly_256_chars() -> None:
    (long_id,) = [record["id"] for record in read_jsonl(ODD_ARTICLES) if record["id"].startswith("odd-id-at-max")]
    assert len(long_id) == 256


def test_malformed_lines_are_single_distinct_non_blank_lines() -> None:
    spec = importlib.util.spec_from_file_location("malformed_lines", ROOT / "tests" / "data" / "malformed_lines.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: list[tuple[str, bytes]] = module.malformed_lines()
    names = [name for name, _ in cases]
    assert len(set(names)) == len(names)
    assert all(line.strip() and b"\n" not in line and b"\r" not in line for _, line in cases)
    assert max(len(line) for _, line in cases) > module.OVERSIZED_BODY_BYTES
