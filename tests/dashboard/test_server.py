"""The dashboard's HTTP server against a fake view: the page and its assets from the package, /api/state,
/health, nothing else; and the assets load nothing from elsewhere."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from workers.dashboard.server import ASSETS, DashboardServer, load_assets

STATE: dict[str, Any] = {"stories": {"items": [{"title": "حفتر يزور القاهرة"}]}}


class Fake:
    def __init__(self) -> None:
        self.problem: str | None = None
        self.snapshots = 0

    def snapshot(self) -> dict[str, Any]:
        self.snapshots += 1
        return STATE


@pytest.fixture
def fake() -> Fake:
    return Fake()


@pytest.fixture
def server(fake: Fake) -> Iterator[DashboardServer]:
    running = DashboardServer(("127.0.0.1", 0), fake.snapshot, lambda: fake.problem)
    running.start()
    yield running
    running.stop()


def get(server: DashboardServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.url.rstrip("/") + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_page_and_its_assets_are_served_from_the_package(server: DashboardServer) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'src="/static/dashboard.js"' in body and b'href="/static/dashboard.css"' in body
    for path in ("/static/dashboard.css", "/static/dashboard.js"):
        status, headers, body = get(server, path)
        assert status == 200 and body == load_assets()[path][0]
        assert headers["Content-Type"] == ASSETS[path][1]


def test_the_state_is_json_and_asked_afresh_each_time(server: DashboardServer, fake: Fake) -> None:
    for _ in range(2):
        status, headers, body = get(server, "/api/state?t=1")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert headers["Cache-Control"] == "no-store"
        assert orjson.loads(body) == STATE
    assert fake.snapshots == 2


def test_health_follows_the_feed(server: DashboardServer, fake: Fake) -> None:
    assert get(server, "/health")[::2] == (200, b"alive\n")
    fake.problem = "the feed stopped: boom"
    assert get(server, "/health")[::2] == (503, b"the feed stopped: boom\n")


def test_nothing_else_is_served(server: DashboardServer) -> None:
    for path in ("/static/../state.py", "/static/", "/workers/dashboard/state.py", "/static/index.html.bak", "/x"):
        status, _, body = get(server, path)
        assert status == 404 and b"not found" in body, path


def test_head_answers_without_a_body(server: DashboardServer) -> None:
    status, headers, body = get(server, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_every_answer_forbids_loading_from_elsewhere(server: DashboardServer) -> None:
    for path in ("/", "/api/state", "/health", "/nope"):
        headers = get(server, path)[1]
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_assets_fetch_nothing_from_elsewhere_and_write_text_as_text() -> None:
    assets = {path: body.decode() for path, (body, _) in load_assets().items()}
    for path, text in assets.items():
        assert not re.search(
            r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace("http://www.w3.org/2000/svg", "")
        ), path
        assert "@import" not in text and "@font-face" not in text, path
    script = assets["/static/dashboard.js"]
    # Titles and names come from the feed: never parsed as HTML.
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_the_stylesheet_gives_arabic_text_an_arabic_font_stack() -> None:
    css = load_assets()["/static/dashboard.css"][0].decode()
    assert '[dir="rtl"]' in css and "--arabic:" in css and "Noto Naskh Arabic" in css


def test_a_taken_port_is_an_os_error(server: DashboardServer, fake: Fake) -> None:
    with pytest.raises(OSError):
        DashboardServer(("127.0.0.1", server.server_address[1]), fake.snapshot, lambda: None)
