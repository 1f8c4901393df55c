"""The demo's rendering: one line per entity type, each entity once however it was written."""

from workers.cli.demo import render


def test_render_lists_each_entity_once_by_type() -> None:
    article = {
        "id": "a-1",
        "title": "اجتماع أمني",
        "body": "…",
        "language": {"code": "ar", "confidence": 0.97},
        "tokens": {"body": 40},
        "enrichment": {"duration_ms": 3.2},
        "entities": [
            {"type": "ORG", "text": "لوزارة الداخلية", "normalized": "وزاره الداخليه"},
            {"type": "PER", "text": "خالد المحجوب", "normalized": "خالد المحجوب"},
            {"type": "ORG", "text": "بوزارة الداخلية", "normalized": "وزاره الداخليه"},
            {"type": "LOC", "text": "سرت", "normalized": "سرت"},
        ],
    }
    lines = render(article).splitlines()
    assert lines[1] == "━━ a-1  ·  ar (0.97)  ·  40 tokens  ·  3.2 ms"
    assert lines[3:] == ["   PER  خالد المحجوب", "   LOC  سرت", "   ORG  لوزارة الداخلية"]


def test_render_says_why_an_article_has_no_entities() -> None:
    article = {
        "id": "en-1",
        "body": "Storm closes ports",
        "language": {"code": "en", "confidence": 1.0},
        "tokens": {"body": 3},
        "enrichment": {"duration_ms": 0.4},
        "entities": [],
    }
    assert render(article).splitlines()[-1] == "   (no entities: no tagger for this language)"
