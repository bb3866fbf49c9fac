"""SSRF guard: refuse private, loopback, link-local, multicast and reserved addresses.

The check runs where the socket is opened, on the address the host name resolved to,
so a name that resolves to a public address for the first lookup and to 10.0.0.1 for
the second (DNS rebinding) is still caught: we resolve once, vet every address, and
connect to the vetted address itself. `transport.GuardedTransport` opens every
connection of the `Fetcher` (every redirect hop included) through this backend.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpcore

from ..errors import SSRFBlocked
from .network import AsyncioBackend

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# Why an address is refused, checked in this order; the first that applies names it.
_REFUSALS: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("multicast", lambda ip: ip.is_multicast),
    ("reserved", lambda ip: ip.is_reserved),
    ("private", lambda ip: ip.is_private),
    ("not globally routable", lambda ip: not ip.is_global),
)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which destinations may be contacted: public addresses, plus the `allow_hosts` exemptions."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_allow_hosts(cls, allow_hosts: Iterable[str]) -> AddressPolicy:
        """Split normalised `allow_hosts` entries into host names and IP networks."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in allow_hosts:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(entry.lower().rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def name_is_exempt(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allowed_names

    def refusal(self, address: str) -> str | None:
        """Why `address` may not be contacted, or None when it may."""
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
        if any(ip in network for network in self.allowed_networks):
            return None
        for reason, applies in _REFUSALS:
            if applies(ip):
                return reason
        return None

    def check_literal(self, host: str, *, url: str) -> None:
        """Refuse a URL whose host is an IP literal we may not contact, before any I/O."""
        if self.name_is_exempt(host):
            return
        literal = ip_literal(host)
        if literal is None:
            return  # a host name: checked when it is resolved, at connect time
        reason = self.refusal(literal)
        if reason:
            raise SSRFBlocked(f"refusing {literal}: {reason} address", url=url)


@functools.lru_cache(maxsize=4096)
def ip_literal(host: str) -> str | None:
    """`host` as an IP address if it is one (brackets and zone allowed), else None."""
    text = host.strip("[]")
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    return text


async def resolve_host(host: str, port: int) -> Sequence[str]:
    """Every address `host` resolves to, in resolver order, without duplicates."""
    literal = ip_literal(host)
    if literal is not None:
        return [literal]  # nothing to look up (and no trip to the resolver's thread pool)
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that vets the resolved address before it connects."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        inner: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver = resolve_host,
    ) -> None:
        self.policy = policy
        self.inner = inner or AsyncioBackend()
        self.resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        exempt = self.policy.name_is_exempt(host)
        for address in addresses:
            reason = None if exempt else self.policy.refusal(address)
            if reason:
                # One refused address refuses the name: a host that mixes public and
                # private answers is the shape of a rebinding attack.
                raise SSRFBlocked(f"refusing {host}: it resolves to {address}, a {reason} address")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def _resolve(self, host: str, port: int, timeout: float | None) -> Sequence[str]:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise SSRFBlocked(f"refusing unix socket {path}")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
