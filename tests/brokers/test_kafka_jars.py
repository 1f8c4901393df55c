"""Apache Kafka's jars: found in the cache or named as missing; Java and Maven asked for by name."""

from pathlib import Path

import pytest

from workers.brokers import kafka_jars
from workers.errors import BrokerError


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KHABAR_KAFKA_HOME", str(tmp_path / "kafka"))
    return tmp_path / "kafka"


def test_the_cache_is_outside_the_checkout_and_named_after_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KHABAR_KAFKA_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert kafka_jars.jars_dir("9.9.9") == Path("/somewhere/cache/khabar/kafka-9.9.9/lib")


def test_missing_jars_are_an_error_that_names_the_fetch_command(empty_cache: Path) -> None:
    with pytest.raises(BrokerError, match=r"not fetched yet.*make kafka"):
        kafka_jars.kafka_classpath()


def test_fetched_jars_give_the_class_path(empty_cache: Path) -> None:
    lib = empty_cache / "lib"
    lib.mkdir(parents=True)
    (lib / f"kafka_{kafka_jars.SCALA_VERSION}-{kafka_jars.KAFKA_VERSION}.jar").touch()
    assert kafka_jars.kafka_classpath() == f"{lib}/*"
    assert kafka_jars.fetch_jars() == lib  # fetched once: nothing to do


def test_no_java_is_an_error_that_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(kafka_jars.shutil, "which", lambda name: None)
    with pytest.raises(BrokerError, match=r"needs Java 17.*install OpenJDK 17"):
        kafka_jars.java_binary()


def test_no_maven_is_an_error_that_says_what_to_install(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kafka_jars.shutil, "which", lambda name: "/usr/bin/java" if name == "java" else None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(BrokerError, match=r"needs Maven.*install Maven"):
        kafka_jars.fetch_jars()


def test_the_pom_asks_for_the_broker_and_a_logging_backend() -> None:
    pom = kafka_jars.POM.format(kafka="4.1.1", scala="2.13", log4j="2.24.3")
    assert "<artifactId>kafka_2.13</artifactId>" in pom and "<version>4.1.1</version>" in pom
    assert "<artifactId>log4j-slf4j-impl</artifactId>" in pom
