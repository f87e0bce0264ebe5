"""Where a webhook may point: public addresses only, checked when subscribing and at every delivery.

A URL is refused when its host is, or resolves to, a loopback, private, link-local, shared,
multicast, reserved or unspecified address, unless `allow_private` (BARTER_ALLOW_PRIVATE_WEBHOOKS,
for tests and development). The relay connects to the addresses it checked (see sender.py), so a
name that resolves differently a moment later (DNS rebinding) cannot redirect a delivery.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_S = 5.0
MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The URL may not receive webhooks: the message says why, for the subscriber, and `code`
    names it (stable; barter.domain.refusals words it in Thai): `too_long`, `not_a_url`,
    `not_https`, `url_credentials`, `url_fragment`, `host_not_found`, `not_public`."""

    def __init__(self, message: str, *, code: str, params: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params = params or {}


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str, *, allow_private: bool) -> Target:
    """Check the URL's shape: https (http only where private targets are allowed), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(
            f"is longer than {MAX_URL_LENGTH} characters", code="too_long", params={"limit": MAX_URL_LENGTH}
        )
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"is not a valid URL ({exc})", code="not_a_url") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise TargetRefused("must be an https:// URL", code="not_https")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(
            "must not contain credentials; the signature authenticates the sender", code="url_credentials"
        )
    if parts.fragment:
        raise TargetRefused("must not contain a #fragment", code="url_fragment")
    host = parts.hostname
    if not host:
        raise TargetRefused("has no host", code="not_a_url")
    if any(ch.isspace() for ch in url):
        raise TargetRefused("must not contain spaces", code="not_a_url")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def refusal(address: IPAddress) -> str | None:
    """Why this address may not receive webhooks, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return refusal(address.ipv4_mapped)
        # Tunnels that carry an IPv4 address inside: 6to4 (2002::/16) and Teredo (2001::/32).
        if address.sixtofour is not None and (inner := refusal(address.sixtofour)) is not None:
            return f"{address} (6to4 around {inner})"
        if address.teredo is not None:
            for embedded in address.teredo:
                if (inner := refusal(embedded)) is not None:
                    return f"{address} (Teredo around {inner})"
    checks = (
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        ("an unspecified address", address.is_unspecified),
        ("a reserved address", address.is_reserved),
        ("a private address", address.is_private),
        ("not a globally routable address", not address.is_global),
    )
    for what, hit in checks:
        if hit:
            return f"{address} ({what})"
    return None


async def vetted_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to, all checked; TargetRefused when any is refused or none exist.

    Every address must pass, not just one: otherwise the name could point a second connection
    attempt at an internal service.
    """
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_S):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError, UnicodeError):  # UnicodeError: not a valid host name (IDNA)
            raise TargetRefused(f"host {host!r} does not resolve", code="host_not_found") from None
        found = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        if not found:
            raise TargetRefused(f"host {host!r} does not resolve", code="host_not_found")
    if not allow_private:
        for address in found:
            reason = refusal(address)
            if reason is not None:
                raise TargetRefused(f"points at {reason}; webhook targets must be public", code="not_public")
    return [str(a) for a in found]
