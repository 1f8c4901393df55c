"""Properties of the story index over random streams: what another worker rebuilds from the entries'
records is the same index, and answers every later article as the index that decided."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.stories.articles import ENTITIES, ORIGINAL, ORIGINAL_TITLE, UNRELATED, UNRELATED_TITLE, body
from tests.strategies import PROPERTY
from workers.stories.index import HORIZON, StoryIndex
from workers.stories.minhash import article_signature
from workers.stories.records import from_record, to_record

# Pieces of the test articles: an article of the stream is a few of them, so streams hold copies,
# partial copies and unrelated texts.
PIECES = [ORIGINAL_TITLE, UNRELATED_TITLE, *ORIGINAL, *UNRELATED]
Article = tuple[list[int], float, list[str]]
articles = st.tuples(
    st.lists(st.integers(0, len(PIECES) - 1), min_size=1, max_size=8),
    st.floats(0, HORIZON / 2),  # time since the previous article
    st.lists(st.sampled_from(ENTITIES), max_size=3, unique=True),
)


@PROPERTY
@given(st.lists(articles, max_size=25), articles)
def test_an_index_rebuilt_from_the_records_answers_alike(stream: list[Article], last: Article) -> None:
    deciding, follower = StoryIndex(), StoryIndex()
    time = 0.0
    for number, (pieces, gap, entities) in enumerate([*stream, last]):
        time += gap
        sig, count = article_signature(None, body([PIECES[piece] for piece in pieces]))
        decided = deciding.decide(f"article-{number}", sig, time, entities, count)
        # The follower has read every record so far: its answer is the decider's.
        assert to_record(follower.decide(f"article-{number}", sig, time, entities, count)) == to_record(decided)
        deciding.add(decided)
        follower.add(from_record(to_record(decided)))
        assert [to_record(entry) for entry in follower.entries()] == [to_record(e) for e in deciding.entries()]
        assert deciding.referenced() == {entry.article_id for entry in deciding.entries()}
