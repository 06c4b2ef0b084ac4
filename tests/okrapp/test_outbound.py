"""The guard of outgoing posts: what it refuses, and how it posts, against a real server."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation

from okrapp.core import outbound
from okrapp.core.outbound import OutboundRefused, check_url

REFUSED = [
    ("ftp://example.org/hook", "Only http and https"),
    ("file:///etc/passwd", "Only http and https"),
    ("javascript:alert(1)", "Only http and https"),
    ("http:///no-host", "no host"),
    ("https://user:secret@93.184.216.34/", "user name or password"),
    ("http://127.0.0.1:8000/admin", "private or reserved"),
    ("http://localhost/", "private or reserved"),
    ("http://10.0.0.5/", "private or reserved"),
    ("http://172.16.3.4/", "private or reserved"),
    ("http://192.168.1.1/", "private or reserved"),
    ("http://169.254.169.254/latest/meta-data/", "private or reserved"),
    ("http://100.64.0.1/", "private or reserved"),
    ("http://0.0.0.0/", "private or reserved"),
    ("http://[::1]/", "private or reserved"),
    ("http://[fd00::1]/", "private or reserved"),
    ("http://[fe80::1]/", "private or reserved"),
    ("http://[::ffff:127.0.0.1]/", "private or reserved"),
    ("http://224.0.0.1/", "private or reserved"),
    ("http://no-such-host.invalid/", "cannot be resolved"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_a_url_on_the_servers_own_network_or_not_http_is_refused(url, reason):
    with translation.override("en"), pytest.raises(OutboundRefused, match=reason):
        check_url(url, allow_private=False)


def test_a_public_address_is_accepted_with_its_port_and_path():
    target = check_url("https://93.184.216.34:8443/hooks?team=4", allow_private=False)
    assert (target.address, target.port, target.path) == ("93.184.216.34", 8443, "/hooks?team=4")


def test_the_environment_switch_allows_private_addresses(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    assert check_url("http://127.0.0.1:9500/").address == "127.0.0.1"


def test_by_default_private_addresses_are_refused(settings):
    assert settings.OUTBOUND_ALLOW_PRIVATE is False
    with pytest.raises(OutboundRefused):
        check_url("http://127.0.0.1:9500/")


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes, dict]] = []
    mode = "ok"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.path, body, dict(self.headers)))
        if Receiver.mode == "redirect":
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_port}/next")
            self.end_headers()
            return
        if Receiver.mode == "slow":
            time.sleep(1.5)
        payload = b"x" * 200_000 if Receiver.mode == "big" else b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received, Receiver.mode = [], "ok"
    for port in range(9500, 9600):
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
            break
        except OSError:
            continue
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server, path="/hook"):
    return f"http://127.0.0.1:{server.server_port}{path}"


def test_a_post_reaches_the_receiver_with_its_body_and_headers(receiver):
    answer = outbound.post(
        url_of(receiver), b'{"a": 1}', {"Content-Type": "application/json"}, allow_private=True
    )
    assert answer.status == 200 and answer.body == b'{"ok": true}'
    [(path, body, headers)] = Receiver.received
    assert (path, body, headers["Content-Type"]) == ("/hook", b'{"a": 1}', "application/json")


def test_the_answer_is_read_up_to_a_bound(receiver):
    Receiver.mode = "big"
    answer = outbound.post(url_of(receiver), b"{}", {}, max_bytes=1000, allow_private=True)
    assert len(answer.body) == 1000


def test_a_slow_receiver_times_out(receiver):
    Receiver.mode = "slow"
    with pytest.raises((TimeoutError, socket.timeout)):
        outbound.post(url_of(receiver), b"{}", {}, timeout=0.3, allow_private=True)


def test_a_redirect_is_checked_again_before_it_is_followed(receiver, monkeypatch):
    Receiver.mode = "redirect"
    # Only the first receiver's address is allowed: the redirect's target is not.
    monkeypatch.setattr(outbound, "address_refused", lambda address: address != "127.0.0.1")
    with translation.override("en"), pytest.raises(OutboundRefused, match="private or reserved"):
        outbound.post(url_of(receiver), b"{}", {}, allow_private=False)
    assert len(Receiver.received) == 1
