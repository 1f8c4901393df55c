"""Notice when the worker's topics vanish or are replaced under it.

A topic that is deleted and created again, or a broker that lost its storage (Tansu keeps topics in
memory, so a restart empties it), leaves the consumer's positions and the group's committed offsets
pointing into a log that no longer exists: records of the new log below those positions would be
skipped without a trace, and writes to a vanished topic fail forever. Kafka gives every topic an id
that a re-creation changes, so the worker remembers the ids it started with and compares them every
few seconds; when one differs it stops with one clear error, and a restarted worker (compose's
`restart: on-failure`, or any supervisor) creates the topics again and reads them from the beginning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from workers import clients
from workers.errors import KhabarError
from workers.settings import Settings

log = logging.getLogger(__name__)

#: How often the ids are compared: the window in which a worker can still act on a replaced topic.
CHECK_EVERY_SECONDS = 2.0
#: Kafka's error code for a topic the broker does not know.
UNKNOWN_TOPIC_OR_PARTITION = 3


class TopicsReplaced(KhabarError):
    """A topic of the worker was deleted or created anew since the worker started."""


class TopicWatch:
    """The ids of `topics` at start, and a check that they are still the same topics."""

    def __init__(self, settings: Settings, topics: Iterable[str]) -> None:
        self._settings = settings
        self._topics = sorted(topics)
        self._admin: KafkaAdminClient | None = None
        self._ids = self._current_ids()
        missing = [topic for topic, topic_id in self._ids.items() if topic_id is None]
        if missing:
            raise TopicsReplaced(f"topics {', '.join(missing)} do not exist on {settings.bootstrap_servers}")

    def _current_ids(self) -> dict[str, str | None]:
        """Topic → id now (None: the broker does not know the topic)."""
        if self._admin is None:
            self._admin = KafkaAdminClient(
                client_id=f"{self._settings.app_id}-topic-watch", **clients.client_config(self._settings)
            )
        ids: dict[str, str | None] = {}
        for described in self._admin.describe_topics(self._topics):
            if described["error_code"] == UNKNOWN_TOPIC_OR_PARTITION:
                ids[described["name"]] = None
            else:  # a broker older than Kafka 2.8 has no topic ids: then only a vanished topic is seen
                ids[described["name"]] = str(described["topic_id"] or "no id")
        return ids

    def check(self) -> None:
        """Raise TopicsReplaced if a topic vanished or has another id; broker trouble only postpones it."""
        try:
            now = self._current_ids()
        except KafkaError as error:
            log.debug("topic check postponed: %s", error)
            return
        changed = [topic for topic in self._topics if now.get(topic) != self._ids[topic]]
        if changed:
            what = ", ".join(f"{topic} ({'gone' if now.get(topic) is None else 'created anew'})" for topic in changed)
            raise TopicsReplaced(
                f"topics replaced on the broker since the worker started: {what}. The consumer's positions "
                "and committed offsets no longer refer to them, so the worker stops; started again, it "
                "creates missing topics and reads them from the beginning"
            )

    def close(self) -> None:
        if self._admin is not None:
            self._admin.close()
