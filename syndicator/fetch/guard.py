"""SSRF guard: refuse private, loopback, link-local, multicast and reserved addresses.

The check runs where the socket is opened, on the address the host name resolved to,
so a name that resolves to a public address for the first lookup and to 10.0.0.1 for
the second (DNS rebinding) is still caught: we resolve once, vet every address, and
connect to the vetted address itself. `GuardedTransport` is the httpx transport the
`Fetcher` uses by default; every redirect hop opens its connection through it too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from ..errors import SSRFBlocked

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
        literal = host.strip("[]")
        try:
            reason = self.refusal(literal)
        except ValueError:
            return  # a host name: checked when it is resolved, at connect time
        if reason:
            raise SSRFBlocked(f"refusing {literal}: {reason} address", url=url)


async def resolve_host(host: str, port: int) -> Sequence[str]:
    """Every address `host` resolves to, in resolver order, without duplicates."""
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
        self.inner = inner or httpcore.AnyIOBackend()
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


# httpcore's exceptions as httpx's, most specific first, so the Fetcher sees one family
# whichever transport it was given (httpx keeps its own mapping private).
_HTTPCORE_TO_HTTPX: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def as_httpx_error(exc: Exception) -> Exception:
    for source, target in _HTTPCORE_TO_HTTPX:
        if isinstance(exc, source):
            return target(str(exc) or type(exc).__name__)
    return exc


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterator[bytes] | Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool whose every connection goes through the guard."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        max_connections: int,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver = resolve_host,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self.backend = GuardedNetworkBackend(policy, inner=network_backend, resolver=resolver)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=keepalive_expiry,
            network_backend=self.backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
