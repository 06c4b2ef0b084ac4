"""A real HTTP receiver on 127.0.0.1 (port 0) for webhook and Apprise JSON deliveries, a
clock that tests move instead of sleeping, and the people of the integrations."""

from __future__ import annotations

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from okrapp.core.permissions import viewer_for


class Receiver:
    """Records every POST (path, raw body, headers) and answers `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes, dict]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append((self.path, body, dict(self.headers)))
                payload = b'{"ok": true}'
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def move(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() answers the clock's time; `clock.move(hours=…)` moves it."""
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def admin_viewer(admin):
    return viewer_for(admin)


@pytest.fixture
def lead_viewer(lead):
    return viewer_for(lead)


@pytest.fixture
def objective(cycle, team, lead):
    from tests.factories import ObjectiveFactory

    return ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Grow the community")


@pytest.fixture
def key_result(objective, member):
    from decimal import Decimal

    from tests.factories import KeyResultFactory

    return KeyResultFactory(
        objective=objective,
        owner=member,
        title="Reach 100 requests a month",
        start_value=Decimal(0),
        target_value=Decimal(100),
    )
