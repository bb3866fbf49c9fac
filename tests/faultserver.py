"""A fault-injecting HTTP/1.1 server on loopback addresses, for tests that need a real peer.

    with FaultServer() as server:
        server.route("/feed.xml", Reply(200, FEED, content_type="application/rss+xml"))
        server.route("/slow", Trickle(b"x" * 100, interval=0.05))
        url = server.url("/feed.xml")

It runs its own event loop in a background thread, so synchronous tests (the CLI) and
asynchronous ones (the fetcher, in `asyncio.run`) can both use it. Behaviours are small
objects: a normal reply, a hang, a trickle, a reset or short body mid-stream, an endless
body, redirects, conditional answers and sequences of these. Every request is recorded
(`server.requests`) and every exchange's start and end land in an ordered event log
(`server.events`) stamped by an injectable clock, so tests can assert ordering and
overlap from the server's side instead of timing things with sleeps.

It only ever listens on 127.0.0.0/8: tests never send traffic anywhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Literal

# --- what the server records ---------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request as the server read it."""

    method: str
    target: str
    raw_headers: tuple[tuple[bytes, bytes], ...]
    host: str  # the local address the client connected to (which simulated host)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> bytes | None:
        """The raw bytes of a request header (last one wins), as they came off the wire."""
        wanted = name.lower().encode("ascii")
        found = None
        for key, value in self.raw_headers:
            if key.lower() == wanted:
                found = value
        return found


@dataclass(frozen=True)
class Event:
    """An exchange opening (request read) or closing (response done or aborted)."""

    seq: int
    kind: Literal["open", "close"]
    exchange: int
    host: str
    path: str
    at: float


def max_overlap(events: Iterable[Event], *, host: str | None = None) -> int:
    """Most exchanges open at once, optionally on one simulated host, from the event order."""
    open_now = peak = 0
    for event in sorted(events, key=lambda e: e.seq):
        if host is not None and event.host != host:
            continue
        open_now += 1 if event.kind == "open" else -1
        peak = max(peak, open_now)
    return peak


# --- the connection a behaviour writes to -----------------------------------------------


@dataclass
class Connection:
    """The client connection, as a behaviour sees it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    stopping: asyncio.Event
    keep_alive: bool = True

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def send_head(
        self,
        status: int,
        headers: Sequence[tuple[str, str | bytes]] = (),
        *,
        length: int | None = None,
    ) -> None:
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "X"
        lines = [f"HTTP/1.1 {status} {reason}".encode()]
        for name, value in headers:
            raw = value if isinstance(value, bytes) else value.encode("latin-1")
            lines.append(name.encode("ascii") + b": " + raw)
        if length is not None:
            lines.append(f"Content-Length: {length}".encode())
        await self.send(b"\r\n".join(lines) + b"\r\n\r\n")

    def reset(self) -> None:
        """Abort with a TCP RST (SO_LINGER 0), as a crashing peer or a middlebox does."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        self.keep_alive = False

    def close(self) -> None:
        self.writer.close()
        self.keep_alive = False


Behaviour = Callable[[Request, Connection], Awaitable[None]]


# --- behaviours -----------------------------------------------------------------------


@dataclass
class Reply:
    """A complete response, optionally after `delay` seconds (latency)."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: Sequence[tuple[str, str | bytes]] = ()
    delay: float = 0.0

    async def __call__(self, request: Request, conn: Connection) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = list(self.headers)
        if self.content_type:
            headers.append(("Content-Type", self.content_type))
        await conn.send_head(self.status, headers, length=len(self.body))
        await conn.send(self.body)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, b"", None, (("Location", location),))


@dataclass
class Hang:
    """Reads the request and never answers (until the server stops)."""

    async def __call__(self, request: Request, conn: Connection) -> None:
        await conn.stopping.wait()
        conn.close()


@dataclass
class Trickle:
    """Headers at once, then the body one byte every `interval` seconds."""

    body: bytes
    interval: float
    content_type: str = "text/html; charset=utf-8"

    async def __call__(self, request: Request, conn: Connection) -> None:
        headers = [("Content-Type", self.content_type)]
        await conn.send_head(200, headers, length=len(self.body))
        for index in range(len(self.body)):
            await conn.send(self.body[index : index + 1])
            await asyncio.sleep(self.interval)


@dataclass
class CutBody:
    """Declares the whole body, sends `sent` bytes, then resets (or closes cleanly)."""

    body: bytes
    sent: int
    how: Literal["reset", "close"] = "reset"

    async def __call__(self, request: Request, conn: Connection) -> None:
        await conn.send_head(200, [("Content-Type", "text/html")], length=len(self.body))
        await conn.send(self.body[: self.sent])
        conn.reset() if self.how == "reset" else conn.close()


@dataclass
class Endless:
    """A chunked body that never ends; `sent` counts what left before the client hung up."""

    chunk: bytes = b"<p>" + b"x" * 65_530 + b"</p>"
    headers: Sequence[tuple[str, str]] = (("Content-Type", "text/html"),)
    sent: int = 0

    async def __call__(self, request: Request, conn: Connection) -> None:
        await conn.send_head(200, [*self.headers, ("Transfer-Encoding", "chunked")])
        frame = f"{len(self.chunk):x}\r\n".encode() + self.chunk + b"\r\n"
        try:
            while not conn.stopping.is_set():
                await conn.send(frame)
                self.sent += len(self.chunk)
        except (ConnectionError, RuntimeError):
            conn.keep_alive = False


@dataclass
class Conditional:
    """200 with validators, or 304 when the request's validators match byte for byte."""

    body: bytes
    etag: bytes | None = None
    last_modified: bytes | None = None
    content_type: str = "application/rss+xml; charset=utf-8"

    async def __call__(self, request: Request, conn: Connection) -> None:
        validators: list[tuple[str, str | bytes]] = []
        if self.etag is not None:
            validators.append(("ETag", self.etag))
        if self.last_modified is not None:
            validators.append(("Last-Modified", self.last_modified))
        etag_match = self.etag is not None and request.header("if-none-match") == self.etag
        date_match = (
            self.last_modified is not None
            and request.header("if-modified-since") == self.last_modified
        )
        if etag_match or date_match:
            await conn.send_head(304, validators, length=None)
            return
        headers = [*validators, ("Content-Type", self.content_type)]
        await conn.send_head(200, headers, length=len(self.body))
        await conn.send(self.body)


@dataclass
class Sequenced:
    """The n-th request gets the n-th behaviour; the last one repeats."""

    behaviours: Sequence[Behaviour]
    calls: int = 0

    async def __call__(self, request: Request, conn: Connection) -> None:
        behaviour = self.behaviours[min(self.calls, len(self.behaviours) - 1)]
        self.calls += 1
        await behaviour(request, conn)


NOT_FOUND = Reply(404, b"not found")


# --- the server -----------------------------------------------------------------------


@dataclass
class FaultServer:
    """An HTTP/1.1 server on one or more 127.x.y.z addresses, run in a background thread."""

    hosts: Sequence[str] = ("127.0.0.1",)
    clock: Callable[[], float] = time.monotonic
    default: Behaviour = field(default_factory=lambda: NOT_FOUND)
    requests: list[Request] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    port: int = 0
    _routes: dict[tuple[str | None, str], Behaviour] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)
    _exchanges: itertools.count[int] = field(default_factory=itertools.count)
    _loop: asyncio.AbstractEventLoop | None = None
    _stopping: asyncio.Event | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        for host in self.hosts:
            if not host.startswith("127."):
                raise ValueError(f"FaultServer listens on loopback only, not {host}")

    # routing

    def route(self, path: str, behaviour: Behaviour, *, host: str | None = None) -> None:
        """Answer `path` (or a full target with its query) with `behaviour`, on one or all hosts."""
        self._routes[(host, path)] = behaviour

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        return f"http://{host or self.hosts[0]}:{self.port}{path}"

    def hits(self, path: str, *, host: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.path == path and host in (None, r.host)]

    def _behaviour(self, request: Request) -> Behaviour:
        for key in ((request.host, request.target), (None, request.target)):
            if key in self._routes:
                return self._routes[key]
        for key in ((request.host, request.path), (None, request.path)):
            if key in self._routes:
                return self._routes[key]
        return self.default

    # life cycle

    def __enter__(self) -> FaultServer:
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, failure), name="faultserver", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        asyncio.run(self._serve(ready, failure))

    async def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        servers = []
        try:
            for host in self.hosts:
                server = await asyncio.start_server(self._connection, host, self.port)
                self.port = server.sockets[0].getsockname()[1]
                servers.append(server)
        except OSError as exc:
            failure.append(exc)
            ready.set()
            return
        ready.set()
        await self._stopping.wait()
        for server in servers:
            server.close()
        for server in servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), timeout=2)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._stopping is not None
        local = writer.get_extra_info("sockname")[0]
        conn = Connection(reader, writer, self._stopping)
        try:
            while conn.keep_alive and not self._stopping.is_set():
                request = await self._read_request(reader, local)
                if request is None:
                    break
                self.requests.append(request)
                exchange = next(self._exchanges)
                self._log("open", exchange, request)
                try:
                    await self._behaviour(request)(request, conn)
                finally:
                    self._log("close", exchange, request)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader, local: str) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.rstrip(b"\r\n").split(b"\r\n")
        method, target, _version = lines[0].decode("latin-1").split(" ", 2)
        headers = tuple(
            (name.strip(), value.strip())
            for name, _, value in (line.partition(b":") for line in lines[1:])
        )
        return Request(method, target, headers, local)

    def _log(self, kind: Literal["open", "close"], exchange: int, request: Request) -> None:
        event = Event(next(self._seq), kind, exchange, request.host, request.path, self.clock())
        self.events.append(event)
