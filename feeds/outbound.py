"""Reaching a server an outsider named (an imported calendar, a venue's webhook endpoint) without
letting the address reach inside: https only, every address the name resolves to public, no
password in the address, and the connection pinned to the address that was checked, so DNS
cannot answer differently between the check and the connect (rebinding).

feeds/imports.py fetches calendars through it and webhooks/ posts events through it.
`loopback_http` lets a test receiver on 127.0.0.1 speak plain http; only the webhooks' test
setting turns it on (WEBHOOKS_ALLOW_LOOPBACK_HTTP, never in production).
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class Refused(Exception):
    """Why an address may not be reached, in a sentence a venue manager can act on."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query


def check_url(url: str, *, loopback_http: bool = False) -> Target:
    """The parts of an https URL that may be reached (or, with `loopback_http`, an http one, to be
    resolved to loopback addresses only), or Refused. Looks nothing up: see `addresses`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused(_("That is not a web address.")) from exc
    allowed = ("https", "http") if loopback_http else ("https",)
    if parts.scheme not in allowed:
        raise Refused(_("Only https:// addresses can be fetched."))
    if not parts.hostname or parts.username or parts.password:
        raise Refused(_("That is not a web address I can fetch (no host, or a password in it)."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default, path)


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(_("Could not find the server %(host)s.") % {"host": host}) from exc
    found = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        found.append(address)
    if not found:
        raise Refused(_("Could not find the server %(host)s.") % {"host": host})
    return found


def public_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, provided every one of them is a public unicast address."""
    addresses = []
    for address in _resolve(host, port):
        if (
            not address.is_global
            or address.is_multicast
            or address.is_reserved
            or address.is_link_local
        ):
            raise Refused(
                _(
                    "%(host)s is a private or local address; only public https addresses can be fetched."
                )
                % {"host": host}
            )
        addresses.append(str(address))
    return addresses


def addresses(target: Target) -> list[str]:
    """Where `target` may be reached: public addresses for https; for the http that only
    `loopback_http` lets through, loopback addresses and nothing else."""
    if target.scheme == "https":
        return public_addresses(target.host, target.port)
    found = _resolve(target.host, target.port)
    if not all(address.is_loopback for address in found):
        raise Refused(_("Only https:// addresses can be fetched."))
    return [str(address) for address in found]


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to an address already checked, while verifying the certificate for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._ssl_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


class _PinnedLoopbackConnection(http.client.HTTPConnection):
    """Plain http to a loopback address already checked (test receivers only)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def connection(target: Target, address: str, *, timeout: float) -> http.client.HTTPConnection:
    """A connection to `target` at `address` (one of `addresses(target)`), not yet opened."""
    if target.scheme == "https":
        return PinnedHTTPSConnection(target.host, target.port, address, timeout)
    return _PinnedLoopbackConnection(target.host, target.port, address, timeout)
