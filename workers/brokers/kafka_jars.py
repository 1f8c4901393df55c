"""Apache Kafka's jars, fetched once from Maven Central into a cache outside the checkout.

`python -m workers.brokers.kafka_jars` (`make kafka`) resolves `org.apache.kafka:kafka_2.13` and a
logging backend with Maven and copies them to `~/.cache/khabar/kafka-<version>/lib`. Nothing here
downloads at a broker's start: a missing cache is an error that says how to fill it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from workers.errors import BrokerError

#: The Kafka of `khabar broker --engine kafka`, of the tests and of docker-compose.yml (checked by a test).
KAFKA_VERSION = "4.1.1"
SCALA_VERSION = "2.13"
#: Kafka logs through SLF4J 1.7; this binding sends it to the Log4j 2 that Kafka already depends on.
LOG4J_VERSION = "2.24.3"
FETCH_COMMAND = "make kafka (or: python -m workers.brokers.kafka_jars)"

POM = """\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>khabar.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>{kafka}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_{scala}</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""


def kafka_home(version: str = KAFKA_VERSION) -> Path:
    """Where the jars of `version` live: KHABAR_KAFKA_HOME, else the user's cache directory."""
    configured = os.environ.get("KHABAR_KAFKA_HOME")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "khabar" / f"kafka-{version}"


def jars_dir(version: str = KAFKA_VERSION) -> Path:
    return kafka_home(version) / "lib"


def java_binary() -> str:
    """The `java` to run Kafka with (JAVA_HOME first), or an error that says what to install."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate and candidate.is_file():
        return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise BrokerError(
            f"Apache Kafka {KAFKA_VERSION} needs Java 17 or newer, and no `java` was found: install OpenJDK 17 "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    return found


def _fetched(lib: Path, version: str) -> bool:
    """True when `lib` holds the broker jar of `version` (lib/ only ever holds a complete fetch)."""
    return (lib / f"kafka_{SCALA_VERSION}-{version}.jar").is_file()


def kafka_classpath(version: str = KAFKA_VERSION) -> str:
    """The JVM class path of the cached jars; an error naming the fetch command when they are missing."""
    lib = jars_dir(version)
    if not _fetched(lib, version):
        raise BrokerError(f"Apache Kafka {version} is not fetched yet (no jars in {lib}): run {FETCH_COMMAND}")
    return f"{lib}/*"


def fetch_jars(version: str = KAFKA_VERSION) -> Path:
    """Resolve Kafka's jars with Maven into the cache once; return their directory."""
    lib = jars_dir(version)
    if _fetched(lib, version):
        return lib
    java_binary()
    maven = shutil.which("mvn")
    if maven is None:
        raise BrokerError(
            "fetching Apache Kafka's jars needs Maven, and no `mvn` was found: install Maven 3 "
            "(Debian/Ubuntu: apt-get install maven)"
        )
    home = kafka_home(version)
    home.mkdir(parents=True, exist_ok=True)
    pom = home / "pom.xml"
    pom.write_text(POM.format(kafka=version, scala=SCALA_VERSION, log4j=LOG4J_VERSION), encoding="utf-8")
    partial = home / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        maven,
        "--batch-mode",
        "--quiet",
        "--file",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={partial}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        errors = [line for line in result.stdout.splitlines() if "ERROR" in line][:3]
        raise BrokerError(f"Maven could not fetch Apache Kafka {version}: {' '.join(errors) or result.returncode}")
    partial.rename(lib)  # only a complete set of jars is ever found under lib/
    return lib


def main() -> int:
    try:
        lib = fetch_jars()
    except BrokerError as error:
        print(f"khabar: error: {error}", file=sys.stderr)
        return 2
    print(f"Apache Kafka {KAFKA_VERSION}: {len(list(lib.glob('*.jar')))} jars in {lib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
