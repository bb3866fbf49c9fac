"""Read a response body with a cap on DECODED bytes, enforced while it streams.

We ask for `gzip, deflate` only and inflate the raw bytes ourselves. httpx's own
decoder inflates a whole network chunk in one call, so a 64 KiB chunk of a gzip bomb
can become ~64 MiB in memory before any cap is checked; `zlib`'s `max_length` lets us
inflate in small steps instead and stop as soon as the cap is passed.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterable, Iterable, Iterator
from dataclasses import dataclass

import httpx

from ..errors import BodyTooLarge, NetworkError

ACCEPT_ENCODING = "gzip, deflate"
INFLATE_STEP = 64 * 1024  # most bytes one inflate call may produce
# An unused body (redirect, error page, 304) this small is read to the end so its
# keep-alive connection can carry the next request; anything more costs the connection.
DRAIN_LIMIT = 64 * 1024
DRAIN_TIMEOUT = 1.0


class _Inflater:
    """gzip or zlib/raw deflate, inflated at most INFLATE_STEP bytes per step."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # 32 + MAX_WBITS reads a gzip or a zlib header; "deflate" is sometimes sent raw,
        # which we learn from the first error (as browsers and httpx do).
        self._wbits = zlib.MAX_WBITS | 32
        self._engine = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate `data` lazily: each piece is at most INFLATE_STEP bytes."""
        while data:
            try:
                piece = self._engine.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:
                    self._started = True
                    self._wbits = -zlib.MAX_WBITS
                    self._engine = zlib.decompressobj(self._wbits)
                    continue
                raise NetworkError(f"corrupt {self.encoding} body: {exc}") from exc
            self._started = True
            if piece:
                yield piece
            if self._engine.unconsumed_tail:
                data = self._engine.unconsumed_tail
            elif self._engine.eof and self._engine.unused_data:
                data = self._engine.unused_data  # a further gzip member follows
                self._engine = zlib.decompressobj(self._wbits)
            else:
                data = b""

    def flush(self) -> Iterator[bytes]:
        tail = self._engine.flush()
        if tail:
            yield tail
        if self._started and not self._engine.eof:
            raise NetworkError(f"{self.encoding} body ends before its compressed stream does")


def _decoded(inflaters: list[_Inflater], chunk: bytes) -> Iterator[bytes]:
    """`chunk` passed lazily through each inflater in turn (stacked codings are rare)."""
    if not inflaters:
        yield chunk
        return
    first, rest = inflaters[0], inflaters[1:]
    for piece in first.feed(chunk):
        yield from _decoded(rest, piece)


@dataclass(slots=True)
class BodyReader:
    """Collects decoded bytes up to `limit`; past it, raises or (robots.txt) truncates."""

    limit: int
    encodings: tuple[str, ...] = ()
    truncate: bool = False
    truncated: bool = False

    async def read(self, chunks: AsyncIterable[bytes]) -> bytes:
        # Content-Encoding lists codings in the order applied; undo them in reverse.
        inflaters = [_Inflater(name) for name in reversed(self.encodings)]
        body = bytearray()
        async for chunk in chunks:
            if self._take(body, _decoded(inflaters, chunk)):
                return bytes(body)
        for index, inflater in enumerate(inflaters):
            later = inflaters[index + 1 :]
            for tail in inflater.flush():
                if self._take(body, _decoded(later, tail)):
                    return bytes(body)
        return bytes(body)

    def _take(self, body: bytearray, pieces: Iterable[bytes]) -> bool:
        """Append pieces one by one; True when the body is full and reading should stop."""
        for piece in pieces:
            if len(body) + len(piece) > self.limit:
                if not self.truncate:
                    raise BodyTooLarge(f"body is larger than {self.limit} bytes")
                body.extend(piece[: self.limit - len(body)])
                self.truncated = True
                return True
            body.extend(piece)
        return False


async def drain(chunks: AsyncIterable[bytes]) -> None:
    """Read and drop a small unused body, so the connection it came on can be reused.

    Giving up (too big, too slow, or the peer hung up) is not an error: the response we
    act on is already complete, and the only cost is that the connection gets closed.
    """
    seen = 0
    try:
        async with asyncio.timeout(DRAIN_TIMEOUT):
            async for chunk in chunks:
                seen += len(chunk)
                if seen > DRAIN_LIMIT:
                    return
    except (TimeoutError, httpx.HTTPError):
        return


def content_encodings(header: str | None) -> tuple[str, ...]:
    """The codings of a Content-Encoding header in the order they were applied."""
    if not header:
        return ()
    names = tuple(part.strip().lower() for part in header.split(",") if part.strip())
    names = tuple(name for name in names if name != "identity")
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise NetworkError(f"unsupported content-encoding {name!r} (we asked for gzip)")
    return tuple("gzip" if name == "x-gzip" else name for name in names)
