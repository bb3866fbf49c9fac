"""The default transport: httpcore connection pools, one per origin, behind the SSRF guard.

One pool per origin rather than one shared pool: a run touches hundreds of hosts, and
a shared pool sized for our concurrency evicts each host's idle connection before its
next request (robots.txt, then the feed, then the pages) can reuse it, and scans every
connection it holds on each request. A pool per origin keeps a host's connections warm
for its next request and each lookup small. Opening and closing a socket costs more
than the rest of a request here (see `python bench/fetch.py`), so this matters.
Least recently used idle pools are closed beyond `max_idle_origins`, which bounds the
open sockets; by default it is sized from the process's file-descriptor limit.
"""

from __future__ import annotations

import itertools
import resource
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from .guard import AddressPolicy, GuardedNetworkBackend, Resolver, resolve_host

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


def default_max_idle_origins() -> int:
    """A quarter of the file descriptors we may open, within [64, 2048]: room is left for
    connections in flight, the database and the extraction workers' pipes."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 2048
    return max(64, min(2048, soft // 4))


def as_httpx_error(exc: Exception) -> Exception:
    for source, target in _HTTPCORE_TO_HTTPX:
        if isinstance(exc, source):
            return target(str(exc) or type(exc).__name__)
    return exc


@dataclass(slots=True)
class _OriginPool:
    pool: httpcore.AsyncConnectionPool
    active: int = 0  # responses handed out and not yet closed


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

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
        try:
            await self._stream.aclose()
        finally:
            if self._on_close is not None:
                self._on_close()
                self._on_close = None


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx transport whose every connection is opened through the SSRF guard."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        connections_per_origin: int = 2,
        max_idle_origins: int | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver = resolve_host,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self.backend = GuardedNetworkBackend(policy, inner=network_backend, resolver=resolver)
        self._ssl_context: ssl.SSLContext | None = None  # made at the first https origin
        self._per_origin = connections_per_origin
        self._max_idle = max_idle_origins or default_max_idle_origins()
        self._keepalive_expiry = keepalive_expiry
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], _OriginPool] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = self._origin_pool((url.raw_scheme, url.raw_host, url.port))
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        origin.active += 1
        try:
            response = await origin.pool.handle_async_request(core_request)
        except Exception as exc:
            origin.active -= 1
            mapped = as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        finally:
            await self._close_idle_origins()

        def closed() -> None:
            origin.active -= 1

        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, closed),
            extensions=response.extensions,
        )

    def _origin_pool(self, key: tuple[bytes, bytes, int | None]) -> _OriginPool:
        origin = self._pools.get(key)
        if origin is None:
            origin = self._pools[key] = _OriginPool(
                httpcore.AsyncConnectionPool(
                    ssl_context=self._tls() if key[0] == b"https" else None,
                    max_connections=self._per_origin,
                    max_keepalive_connections=1,  # one warm connection is what reuse needs
                    keepalive_expiry=self._keepalive_expiry,
                    network_backend=self.backend,
                )
            )
        self._pools.move_to_end(key)
        return origin

    def _tls(self) -> ssl.SSLContext:
        """One TLS context for every origin: loading the CA certificates takes ~0.1 s."""
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        return self._ssl_context

    async def _close_idle_origins(self) -> None:
        """Close least recently used pools with nothing in flight, down to the bound."""
        excess = len(self._pools) - self._max_idle
        if excess <= 0:
            return
        oldest_first = (key for key, origin in self._pools.items() if origin.active == 0)
        idle = list(itertools.islice(oldest_first, excess))
        # Take them all out before the first await, so a concurrent caller cannot pick
        # the same ones, and a new request to that origin gets a fresh pool.
        closing = [self._pools.pop(key) for key in idle]
        for origin in closing:
            await origin.pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for origin in pools:
            await origin.pool.aclose()
