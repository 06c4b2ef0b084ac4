"""Posting to a URL someone typed, without opening the server's own network to them (SSRF).

1. `check_url` accepts only http(s) URLs with a host and no credentials, resolves the host,
   and refuses it if any address is loopback, private, link-local (cloud metadata at
   169.254.169.254), multicast, reserved or unspecified — unless OUTBOUND_ALLOW_PRIVATE is on
   (tests, on-premise installations).
2. `post` connects to the address that was checked (not a second resolution, so a DNS answer
   that changes in between cannot redirect it), with TLS verified against the host name,
   bounded time-outs and a bounded response size.
3. Redirects are followed a few times, each new URL checked again from step 1.

Shared by every feature that calls out (webhooks, chat channels, KPI connectors).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 64 * 1024
MAX_REDIRECTS = 3


class OutboundRefused(Exception):
    """The URL may not be called: its message says why, for the person who typed it."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def address_refused(address: str) -> bool:
    """Whether an IP address belongs to the server's own network (or no one's)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, *, allow_private: bool | None = None) -> Target:
    """The URL's target with the address to connect to; OutboundRefused otherwise."""
    allow = settings.OUTBOUND_ALLOW_PRIVATE if allow_private is None else allow_private
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(_("Only http and https addresses are allowed."))
    if not parts.hostname:
        raise OutboundRefused(_("The address has no host."))
    if parts.username or parts.password:
        raise OutboundRefused(_("The address may not carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (ValueError, OSError) as error:
        raise OutboundRefused(_("The host cannot be resolved.")) from error
    addresses = [info[4][0] for info in infos]
    if not allow and any(address_refused(address) for address in addresses):
        raise OutboundRefused(_("The host is on a private or reserved network."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_RESPONSE_BYTES,
    allow_private: bool | None = None,
) -> Response:
    """POST `body` to a checked URL; the status and at most `max_bytes` of the answer."""
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url, allow_private=allow_private)
        kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        connection = kind(target, timeout)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read(max_bytes)
            location = answer.getheader("Location")
        finally:
            connection.close()
        if answer.status in (307, 308) and location:
            url = urljoin(url, location)
            continue
        return Response(answer.status, content)
    raise OutboundRefused(_("Too many redirects."))
