"""`khabar trends`: the trending-entities job (`workers.stream.trends`)."""

from __future__ import annotations

from workers.settings import Settings


def trends(settings: Settings) -> int:
    """Run the trends job; no broker within KHABAR_CONNECT_TIMEOUT is one error line."""
    from workers.stream.trends import run

    return run(settings)
