"""SSRF guard: feed and article URLs come from outside, so they must not reach inside.

Two places enforce it, with one resolver (:meth:`AddressGuard.resolve`, cached per host):

* :meth:`AddressGuard.check_url`, in the client's ``guard`` layer, before every request and every
  redirect hop: scheme, then every address of the host;
* :class:`GuardedBackend`, the httpcore network backend of the client's own transport: when a
  connection is opened it resolves the host through the same resolver, refuses if any address
  is non-public, and connects to the vetted IP literal, so no second lookup (the one DNS
  rebinding would answer differently) happens and nothing is written to a refused address. TLS
  still verifies the URL's host name: httpcore passes the origin host as ``server_hostname``.

After the response headers arrive, the peer address is checked once more
(:meth:`AddressGuard.check_peer`, defence in depth, and the only socket check when a transport
is injected). Hosts in ``http.allowed_hosts`` / ``--allow-host`` are exempt: a name or an IP
literal matches the URL's host as written, a network (``10.1.0.0/16``) matches IP-literal hosts
inside it. A name that merely *resolves* to an allowed address is not exempt (that is what DNS
rebinding would use).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore

from wirewatch.errors import BlockedAddress

__all__ = ["AddressGuard", "GuardedBackend", "allow_hint", "blocked_reason"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud metadata endpoints that are not covered by the generic classes below.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_ALLOWED_SCHEMES = frozenset({"http", "https"})
#: resolver cache size at which expired answers are dropped (and, if all are live, the oldest half)
_CACHE_PRUNE_AT = 4096


def allow_hint(host: str) -> str:
    """How a user allows ``host``: the end of every refusal's message."""
    host = host.strip("[]")
    return f"to allow it: --allow-host {host} or WIREWATCH_HTTP__ALLOWED_HOSTS={host}"


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


@functools.lru_cache(maxsize=1024)
def _literal(host: str) -> IPAddress | None:
    """``host`` as an IP address, or None for a name (cached: the same hosts come back)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
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
        ip = _literal(host)
        return ip is not None and self.ip_allowed(ip)

    def ip_allowed(self, ip: IPAddress) -> bool:
        return any(ip.version == n.version and ip in n for n in self._nets)

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        ip = _literal(host.strip("[]"))
        if ip is not None:
            return [ip]
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
        if len(self._cache) >= _CACHE_PRUNE_AT:  # a worker sees many hosts over its life
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            # Still full of live entries: drop the oldest half (insertion order), so the cache
            # stays bounded and this scan runs once per _CACHE_PRUNE_AT / 2 inserts at most.
            if len(self._cache) >= _CACHE_PRUNE_AT:
                keep = list(self._cache.items())[_CACHE_PRUNE_AT // 2 :]
                self._cache = dict(keep)
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
        await self.vetted(host, port, target=url)

    async def vetted(self, host: str, port: int, *, target: str | None = None) -> list[IPAddress]:
        """The addresses of ``host`` that may be contacted, in resolver order, without repeats.

        Raises :class:`BlockedAddress` if any address is non-public (an allowed host is exempt).
        ``target`` names what was refused in the message (the URL; ``host:port`` by default).
        """
        ips = list(dict.fromkeys(await self.resolve(host, port)))
        if not self.host_allowed(host):
            for ip in ips:
                why = blocked_reason(ip)
                if why is not None:
                    what = target or f"{host}:{port}"
                    raise BlockedAddress(
                        f"refused {what}: {host} resolves to {ip} ({why}); {allow_hint(host)}"
                    )
        return ips

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
            raise BlockedAddress(f"refused {url}: connected to {ip} ({why}); {allow_hint(host)}")


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that only ever connects to addresses the guard vetted.

    ``connect_tcp`` gets the URL's host; it resolves it once through :meth:`AddressGuard.vetted`
    (so a refused address is never connected to, let alone sent a request) and connects to the
    IP literals in order until one answers. The stream it returns is the inner backend's, so
    ``start_tls`` still gets the URL's host name from httpcore for SNI and the certificate check.
    The connect timeout applies to each attempt; a lookup here is bounded by the client's total
    deadline, like the guard layer's (usually it is that lookup, from the cache).
    """

    def __init__(
        self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self.guard = guard
        self.inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for ip in await self.guard.vetted(host, port):
            try:
                return await self.inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the next address, as happy eyeballs would
        if failure is not None:
            raise failure
        raise httpcore.ConnectError(f"{host} has no addresses")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
