"""SSRF guard: feed and article URLs come from outside, so they must not reach inside.

Host names are resolved and every address checked before a request (and again after each
redirect, because the client follows redirects itself); after connecting, the socket's peer
address is checked too, which closes the DNS-rebinding gap between our lookup and the client's.
Hosts in ``http.allowed_hosts`` / ``--allow-host`` are exempt: a name or an IP literal matches the
URL's host as written, a network (``10.1.0.0/16``) matches IP-literal hosts inside it. A name that
merely *resolves* to an allowed address is not exempt (that is what DNS rebinding would use).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from wirewatch.errors import BlockedAddress

__all__ = ["AddressGuard", "blocked_reason"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud metadata endpoints that are not covered by the generic classes below.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_ALLOWED_SCHEMES = frozenset({"http", "https"})


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return blocked_reason(mapped)
    if ip in _METADATA:
        return "cloud-metadata"
    for name in ("loopback", "link_local", "multicast", "private", "reserved", "unspecified"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


class AddressGuard:
    """Checks URLs and peer addresses against the block list, honouring an allow list."""

    def __init__(self, allowed_hosts: Iterable[str] = (), *, cache_ttl: float = 60.0) -> None:
        self._names: set[str] = set()
        self._nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in allowed_hosts:
            item = item.strip().lower().strip("[]")
            if not item:
                continue
            try:
                self._nets.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self._names.add(item.rstrip("."))
        self._ttl = cache_ttl
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".").strip("[]")
        if host in self._names:
            return True
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return self.ip_allowed(ip)

    def ip_allowed(self, ip: IPAddress) -> bool:
        return any(ip.version == n.version and ip in n for n in self._nets)

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        now = time.monotonic()
        hit = self._cache.get((host, port))
        if hit is not None and hit[0] > now:
            return hit[1]
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise BlockedAddress(
                f"cannot resolve host {host!r}: {exc}", reason="http.dns_failure"
            ) from exc
        ips = []
        for info in infos:
            addr = str(info[4][0]).split("%", 1)[0]
            ips.append(ipaddress.ip_address(addr))
        self._cache[(host, port)] = (now + self._ttl, ips)
        return ips

    async def check_url(self, url: str) -> None:
        """Raise :class:`BlockedAddress` unless every address of ``url``'s host is public."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in _ALLOWED_SCHEMES:
            raise BlockedAddress(
                f"scheme {parts.scheme!r} not allowed: {url}", reason="http.blocked_scheme"
            )
        host = parts.hostname
        if not host:
            raise BlockedAddress(f"no host in URL: {url}", reason="http.blocked_scheme")
        if self.host_allowed(host):
            return
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError as exc:
            raise BlockedAddress(f"bad port in URL: {url}", reason="http.blocked_scheme") from exc
        for ip in await self.resolve(host, port):
            why = blocked_reason(ip)
            if why is not None:
                raise BlockedAddress(f"refused {url}: {host} resolves to {ip} ({why})")

    def check_peer(self, url: str, peer: str | None) -> None:
        """Check the connected socket's address (None when the transport does not expose it)."""
        if peer is None:
            return
        host = urlsplit(url).hostname or ""
        if self.host_allowed(host):
            return
        try:
            ip = ipaddress.ip_address(peer.split("%", 1)[0])
        except ValueError:
            return
        why = blocked_reason(ip)
        if why is not None:
            raise BlockedAddress(f"refused {url}: connected to {ip} ({why})")
