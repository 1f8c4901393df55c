"""Apache Kafka as a local broker: a single KRaft node (broker and controller) on loopback.

The jars come from Maven Central (`kafka_jars`); this module writes the node's configuration,
formats its storage once (creating SCRAM users, as `kafka-storage.sh format --add-scram` does),
runs `kafka.Kafka` with the JVM and counts it ready when a client can list topics. Data stays in
`data_dir` across stop() and start(), so a restart keeps every topic; a temporary data directory is
removed by close().
"""

from __future__ import annotations

import base64
import logging
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workers.brokers.kafka_jars import KAFKA_VERSION, java_binary, kafka_classpath
from workers.brokers.process import DEFAULT_HOST, DEFAULT_PORT, BrokerProcess, free_port, port_is_open
from workers.errors import BrokerError

log = logging.getLogger(__name__)

#: Broker settings that differ from Kafka's defaults, for a single node; docker-compose.yml sets the
#: same ones (a deployment test compares them).
SINGLE_NODE_SETTINGS: dict[str, str] = {
    "auto.create.topics.enable": "false",
    "group.initial.rebalance.delay.ms": "0",
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
}
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
SASL_LISTENER = "SASL_PLAINTEXT"
#: Kafka's log lines: warnings and errors on the terminal, everything from INFO in a log file.
LOG4J2_CONFIGURATION = """\
status = error
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = {level}
rootLogger.appenderRef.out.ref = out
"""


@dataclass(frozen=True)
class ScramUser:
    """A SASL/SCRAM user created when the storage is formatted."""

    name: str
    password: str
    mechanism: str = "SCRAM-SHA-512"

    def format_argument(self) -> str:
        return f"{self.mechanism}=[name={self.name},password={self.password}]"


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's tools make it."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


class ApacheKafkaBroker(BrokerProcess):
    """Apache Kafka in KRaft mode as a child process; durable in `data_dir`."""

    engine = "kafka"
    # A controlled shutdown flushes the logs and closes the quorum: seconds, not milliseconds.
    stop_timeout = 10.0
    #: JVM heap: enough for a single node of test and development topics.
    heap_mb = 512

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        host: str = DEFAULT_HOST,
        quiet: bool = True,
        data_dir: Path | None = None,
        sasl_port: int | None = None,
        scram_users: Sequence[ScramUser] = (),
    ) -> None:
        """`data_dir` is kept when given; `sasl_port` adds a SASL_PLAINTEXT listener for `scram_users`."""
        self._temporary = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="khabar-kafka-")) if data_dir is None else Path(data_dir)
        super().__init__(port, host, quiet, log_path=self.data_dir / "broker.log" if quiet else None)
        self.controller_port = free_port(host)
        self.sasl_port = sasl_port
        self.scram_users = tuple(scram_users)

    @property
    def sasl_bootstrap_servers(self) -> str:
        if self.sasl_port is None:
            raise BrokerError("this broker has no SASL listener")
        return f"{self.host}:{self.sasl_port}"

    def describe(self) -> str:
        return f"Apache Kafka {KAFKA_VERSION}"

    def properties(self) -> dict[str, str]:
        """The node's server.properties."""
        listeners = {"PLAINTEXT": self.port, "CONTROLLER": self.controller_port}
        protocols = {"PLAINTEXT": "PLAINTEXT", "CONTROLLER": "PLAINTEXT"}
        if self.sasl_port is not None:
            listeners[SASL_LISTENER] = self.sasl_port
            protocols[SASL_LISTENER] = SASL_LISTENER
        advertised = {name: port for name, port in listeners.items() if name != "CONTROLLER"}
        properties = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listeners": ",".join(f"{name}://{self.host}:{port}" for name, port in listeners.items()),
            "advertised.listeners": ",".join(f"{name}://{self.host}:{port}" for name, port in advertised.items()),
            "listener.security.protocol.map": ",".join(f"{name}:{kind}" for name, kind in protocols.items()),
            "log.dirs": str(self.data_dir / "logs"),
            **SINGLE_NODE_SETTINGS,
        }
        if self.sasl_port is not None:
            properties["sasl.enabled.mechanisms"] = ",".join(SCRAM_MECHANISMS)
            for mechanism in SCRAM_MECHANISMS:
                properties[f"listener.name.{SASL_LISTENER.lower()}.{mechanism.lower()}.sasl.jaas.config"] = (
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;"
                )
        return properties

    @property
    def _properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    def prepare(self) -> None:
        """Write the configuration; format the storage on the first start only (a restart keeps data)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._properties_file.write_text(
            "".join(f"{key}={value}\n" for key, value in self.properties().items()), encoding="utf-8"
        )
        (self.data_dir / "log4j2.properties").write_text(
            LOG4J2_CONFIGURATION.format(level="INFO" if self._quiet else "WARN"), encoding="utf-8"
        )
        if not (self.data_dir / "logs" / "meta.properties").exists():
            self._format_storage()

    def _java(self, main_class: str, *arguments: str, heap: bool = False) -> list[str]:
        memory = [f"-Xms{min(256, self.heap_mb)}m", f"-Xmx{self.heap_mb}m"] if heap else []
        return [
            java_binary(),
            *memory,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp",
            kafka_classpath(),
            main_class,
            *arguments,
        ]

    def _format_storage(self) -> None:
        command = self._java(
            # "=" keeps an id that begins with "-" (1 in 64 of them) from being read as an option
            "kafka.tools.StorageTool",
            "format",
            f"--cluster-id={new_cluster_id()}",
            "-c",
            str(self._properties_file),
        )
        for user in self.scram_users:
            command += ["--add-scram", user.format_argument()]
        # The tool prints the SCRAM records it writes; its output is kept out of sight and out of logs.
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last_line = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise BrokerError(f"formatting the Kafka storage in {self.data_dir} failed: {last_line[0]}")

    def command(self) -> list[str]:
        return self._java("kafka.Kafka", str(self._properties_file), heap=True)

    def is_ready(self) -> bool:
        """Ready when a client can list topics (the port opens before the broker serves metadata)."""
        if not port_is_open(self.host, self.port, timeout=0.05):
            return False
        from kafka.admin import KafkaAdminClient
        from kafka.errors import BrokerResponseError, RetriableError

        try:
            admin = KafkaAdminClient(bootstrap_servers=[self.bootstrap_servers], request_timeout_ms=3000)
            try:
                admin.list_topics()
            finally:
                admin.close()
        except (RetriableError, BrokerResponseError, OSError):
            return False
        return True

    def start(self, timeout: float = 90.0) -> ApacheKafkaBroker:
        """Start the JVM; a broker that fails to start leaves no temporary data directory behind."""
        try:
            return super().start(timeout)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.stop()
        if self._temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)
