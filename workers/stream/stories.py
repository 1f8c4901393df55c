"""The story index shared by every worker: a compacted topic of index entries that each worker follows.

Each worker decides `duplicate_of` and `story_id` for the articles it enriches, in its enrichment
order, against its own index (`workers.stories.compact`), and adds each article's entry at once; the
entry goes to `<KHABAR_APP_ID>-stories` (keyed by article id, `story-entry.v1.json`) with the
article's other outputs, all delivered before the input is acknowledged. A `ChangelogFollower`
thread reads the topic from the beginning before the worker is ready, and then follows it, adding
the other workers' entries to the index (its own come back too and change nothing). So an article is
compared with every earlier article within the horizon, whatever partition or worker it landed on.

Threads: the enrichment thread decides and adds, the follower thread adds; `StoryDecider` holds a
lock around each, one article at a time.

What is consistent, and what is not:
- Within a worker, decisions follow the enrichment order and see every entry of this worker.
- A redelivered article (a replay after a crash or a rebalance) is found in the index by its id and
  gets the entry it got the first time, whichever worker decided it; the published-keys skip
  (`workers.stream.published`) keeps most replays from being published at all.
- Between workers there is a race: an article decided by one worker before the entry of another's
  article reached it (the delivery, then the follower's next poll: about 0.1 to 0.5 s) does not see
  that article. Two copies of one story enriched within that time on two workers may both be
  originals, or name each other's story late. Nothing here orders decisions across workers; an
  article is decided once, and keeps that answer.
- An article enriched before an article published earlier (the stream's order is not publication
  order) may be named that article's original: the first decided is the original.

Bounds: the index holds the entries of the last KHABAR_STORY_HORIZON seconds of event time, at most
KHABAR_STORY_MAX_ENTRIES (oldest dropped first). The topic is `compact,delete` with a retention of
twice the horizon: records older than that are deleted by the broker (no tombstones are written:
every record's key is a new article id, so compaction alone would keep them all), and a reader
ignores those past the horizon. Tansu keeps every record in memory (it applies no topic configs).
"""

from __future__ import annotations

import logging
from typing import Any

from workers.settings import Settings
from workers.stories.decider import StoryDecider
from workers.stories.records import StoryRecordError, from_record
from workers.stream.health import Readiness
from workers.stream.metrics import StreamMetrics
from workers.stream.published import ChangelogFollower

log = logging.getLogger(__name__)


def story_decider(settings: Settings) -> StoryDecider:
    """An empty index with the configured threshold, horizon and bound."""
    return StoryDecider.empty(settings.duplicate_threshold, settings.story_horizon, settings.story_max_entries)


class StoryRecords:
    """Feeds the records of the stories topic to the index; records it cannot read are counted and logged."""

    def __init__(self, decider: StoryDecider) -> None:
        self._decider = decider
        self.refused = 0

    def apply(self, key: str, entry: Any) -> None:
        if entry is None:
            return  # a tombstone: nothing to forget that the horizon has not forgotten already
        if key in self._decider.index:
            return  # this worker's own entry read back (or a replay's): the index keeps the first, unread
        try:
            read = from_record(entry) if isinstance(entry, dict) else None
        except StoryRecordError as error:
            read = None
            reason = str(error)
        else:
            reason = "not a JSON object"
        if read is None:
            self.refused += 1
            if self.refused <= 10 or self.refused % 1000 == 0:
                log.warning("story record %s ignored (%d so far): %s", key, self.refused, reason)
            return
        self._decider.apply([read])


def follow_stories(
    settings: Settings, decider: StoryDecider, readiness: Readiness, metrics: StreamMetrics
) -> ChangelogFollower:
    """Start the thread that reads the stories topic into `decider`; the worker is ready once it read to the
    end. Waits for that here, as the published keys do, so that the first decisions see the others'."""
    metrics.story_index_entries.set_function(lambda: len(decider))
    records = StoryRecords(decider)
    what = f"the story index topic {settings.stories_topic}"
    follower = ChangelogFollower(settings, records, topic=settings.stories_topic, what=what)
    waited = follower.catch_up(
        readiness, settings.rebalance_timeout * 10, "articles decided until then may miss earlier ones"
    )
    log.info("%d story index entries held (%d records read in %.1fs)", len(decider), follower.records_read, waited)
    return follower
