"""Chat channels through Apprise: reading an Apprise URL, checking where it would post, and
posting. No ORM here.

1. `parse` asks Apprise whether it knows the URL (Slack, Microsoft Teams, Mattermost, Discord,
   Google Chat, Telegram, email, JSON…); a URL it cannot read is refused.
2. `check_target` applies the SSRF guard (okrapp.core.outbound) to the host the URL names:
   every address it resolves to must be public unless OUTBOUND_ALLOW_PRIVATE is on. A host
   that does not resolve is accepted only for services with a fixed provider address (Slack's,
   Discord's…: their "host" is a token).
3. `send` checks again and posts through Apprise with a bounded time-out; it returns whether
   Apprise reports success. Apprise resolves and connects by itself (and its HTTP library
   follows redirects), so while it sends, every socket connection of this thread is checked
   too (a Python audit hook on "socket.connect"): a DNS answer that changed, or a redirect, to
   the server's own network is refused at the connection itself.
"""

from __future__ import annotations

import contextvars
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import apprise
from django.conf import settings
from django.utils.translation import gettext as _

from okrapp.core.outbound import address_refused

TIMEOUT_SECONDS = 5
_PROVIDER_URL_SUFFIXES = ("notify_url", "webhook_url", "api_url")


class ChannelRefused(Exception):
    """The URL may not be used: its message says why, for the person who typed it."""


# The send's guard: a context variable, which Apprise copies into the worker thread it sends
# from (and no other thread sees), holding where to note a refusal.
_guard: contextvars.ContextVar[list | None] = contextvars.ContextVar("chat_guard", default=None)


def _audit(event: str, args: tuple) -> None:
    if event != "socket.connect":
        return
    refusals = _guard.get()
    if refusals is None:
        return
    address = args[1] if len(args) > 1 else None
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        try:
            refused = address_refused(address[0])
        except ValueError:
            return  # not an IP address (the hook sees every family)
        if refused:
            refusals.append(address[0])
            raise ConnectionRefusedError("The host is on a private or reserved network.")


sys.addaudithook(_audit)


@contextmanager
def _connections_checked(allow: bool):
    refusals: list[str] = []
    token = _guard.set(None if allow else refusals)
    try:
        yield refusals
    finally:
        _guard.reset(token)


@dataclass(frozen=True)
class Parsed:
    service: str
    host: str
    hosted: bool  # the service posts to its provider's fixed address


def _hosted(plugin) -> bool:
    for name in dir(type(plugin)):
        if name.endswith(_PROVIDER_URL_SUFFIXES):
            value = getattr(type(plugin), name, None)
            if isinstance(value, str) and value.startswith("https://"):
                return True
    return False


def _instantiate(url: str, asset=None):
    try:
        return apprise.Apprise.instantiate(url.strip(), asset=asset, suppress_exceptions=True)
    except Exception:
        return None


def parse(url: str) -> Parsed:
    plugin = _instantiate(url)
    if not plugin:
        raise ChannelRefused(_("This is not an address Apprise can post to."))
    return Parsed(
        service=str(getattr(plugin, "service_name", type(plugin).__name__)),
        host=str(getattr(plugin, "host", "") or "").strip("[]"),
        hosted=_hosted(plugin),
    )


def check_target(parsed: Parsed, *, allow_private: bool | None = None) -> None:
    allow = settings.OUTBOUND_ALLOW_PRIVATE if allow_private is None else allow_private
    if not parsed.host:
        if parsed.hosted:
            return
        raise ChannelRefused(_("The address has no host."))
    try:
        infos = socket.getaddrinfo(parsed.host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        if parsed.hosted:
            return
        raise ChannelRefused(_("The host cannot be resolved.")) from None
    if not allow and any(address_refused(info[4][0]) for info in infos):
        raise ChannelRefused(_("The host is on a private or reserved network."))


def validate(url: str) -> Parsed:
    parsed = parse(url)
    check_target(parsed)
    return parsed


def hint(url: str) -> str:
    """What a page shows of a saved URL: its scheme and host, never its tokens."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parse(url).hosted:
        host = ""  # a hosted service's "host" is a token
    shown = f"{parts.scheme}://{host}" if host else f"{parts.scheme}://"
    return f"{shown}…"[:120]


def send(url: str, *, title: str, body: str) -> bool:
    """Post one message; False when Apprise reports a failure. ChannelRefused when the
    target is no longer allowed."""
    validate(url)
    # Sequential: Apprise sends in this thread, where the connections are checked.
    asset = apprise.AppriseAsset(async_mode=False)
    client = apprise.Apprise(asset=asset)
    plugin = _instantiate(url, asset=asset)
    if not plugin:
        raise ChannelRefused(_("This is not an address Apprise can post to."))
    for attribute in ("socket_connect_timeout", "socket_read_timeout"):
        if hasattr(plugin, attribute):
            setattr(plugin, attribute, TIMEOUT_SECONDS)
    client.add(plugin)
    with _connections_checked(settings.OUTBOUND_ALLOW_PRIVATE) as refusals:
        delivered = bool(client.notify(body=body, title=title))
        if refusals:
            raise ChannelRefused(_("The host is on a private or reserved network."))
    return delivered
