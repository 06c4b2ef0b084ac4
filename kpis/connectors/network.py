"""Reaching a connector's source without reaching the server's own network (SSRF).

1. Only `http` and `https` URLs, with a host name.
2. The host is resolved here, and every address it resolves to is checked (`address_refused`):
   loopback, private, link-local, multicast, reserved and unspecified addresses are refused
   unless settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS is on; cloud metadata addresses are
   refused always.
3. The connection goes to the address that was checked, never to a second resolution, so a
   DNS answer that changes in between (DNS rebinding) cannot redirect it; TLS still checks the
   certificate against the host name.
4. Redirects are followed by hand, each new URL checked again from step 1.
5. Connect and read time-outs, an overall deadline and a maximum response size.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
USER_AGENT = "okrapp-kpi-connector/1"


class ConnectorError(Exception):
    """A failure told in plain language, safe to show and store: no secret inside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def address_refused(address: str, *, allow_private: bool) -> bool:
    """Whether a connector may not connect to this IP address (a pure rule)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES or ip.is_multicast or ip.is_unspecified:
        return True
    if ip.is_reserved and not ip.is_loopback:
        return True
    if allow_private:
        return False
    # Not global: loopback, private, link-local, shared (100.64/10), documentation…
    return not ip.is_global


def allow_private() -> bool:
    return bool(settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS)


def resolve_checked(host: str, port: int, *, field: str = "source_url") -> str:
    """The first address of `host`, once every address it resolves to passes the rule."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorError(
            _("The host %(host)s cannot be found.") % {"host": host}, field=field
        ) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise ConnectorError(_("The host %(host)s cannot be found.") % {"host": host}, field=field)
    for address in addresses:
        if address_refused(address, allow_private=allow_private()):
            raise ConnectorError(
                _(
                    "The address %(host)s points into a private or local network, which "
                    "connectors may not reach."
                )
                % {"host": host},
                field=field,
            )
    return addresses[0]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse_url(url: str, *, field: str = "source_url") -> Target:
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https"):
        raise ConnectorError(_("Only http:// and https:// addresses are allowed."), field=field)
    if not parts.hostname:
        raise ConnectorError(_("The address has no host name."), field=field)
    if parts.username or parts.password:
        raise ConnectorError(_("Put credentials in the header, not in the address."), field=field)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ConnectorError(_("The address has an invalid port."), field=field) from exc
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=parts.hostname, port=port, path=path)


def check_url(url: str, *, field: str = "source_url") -> None:
    """Refuse, as a field error, an address a connector may not fetch."""
    target = parse_url(url, field=field)
    resolve_checked(target.host, target.port, field=field)


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    # http.client connects to (host, port) through this method: to the checked address
    # instead, while the Host header and TLS's server name stay the host name.
    def create_connection(_address, timeout_=None, source_address=None):
        return socket.create_connection((address, target.port), timeout_, source_address)

    connection._create_connection = create_connection
    return connection


def fetch(url: str, *, headers: Mapping[str, str] | None = None) -> bytes:
    """The body of a GET on `url`, following checked redirects; ConnectorError otherwise."""
    timeout = settings.KPI_CONNECTOR_TIMEOUT
    max_bytes = settings.KPI_CONNECTOR_MAX_BYTES
    deadline = time.monotonic() + 3 * timeout
    for _redirect in range(MAX_REDIRECTS + 1):
        target = parse_url(url)
        address = resolve_checked(target.host, target.port)
        connection = _connection(target, address, timeout)
        try:
            connection.request(
                "GET",
                target.path,
                headers={"User-Agent": USER_AGENT, "Accept": "*/*", **(headers or {})},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ConnectorError(_("The server redirected without an address."))
                url = urljoin(url, location)
                continue
            if response.status >= 400:
                raise ConnectorError(
                    _("The server answered %(status)s.") % {"status": response.status}
                )
            return _read_capped(response, max_bytes=max_bytes, deadline=deadline)
        except ssl.SSLError as exc:
            raise ConnectorError(
                _("The secure connection failed (%(reason)s).")
                % {"reason": exc.reason or exc.__class__.__name__}
            ) from exc
        except TimeoutError as exc:
            raise ConnectorError(_("The server did not answer in time.")) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise ConnectorError(_("The server cannot be reached.")) from exc
        finally:
            connection.close()
    raise ConnectorError(_("Too many redirects."))


def _read_capped(response, *, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ConnectorError(_too_large(max_bytes))
    chunks, size = [], 0
    while chunk := response.read(65536):
        size += len(chunk)
        if size > max_bytes:
            raise ConnectorError(_too_large(max_bytes))
        if time.monotonic() > deadline:
            raise ConnectorError(_("The server did not answer in time."))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> str:
    return _("The response is larger than %(size)s bytes.") % {"size": max_bytes}
