"""The Fetcher against a misbehaving server: every fault ends in a typed error, promptly."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from datetime import timedelta

import pytest
from faultserver import CutBody, Endless, FaultServer, Hang, Reply, Trickle

from syndicator.errors import BodyTooLarge, FetchError, FetchTimeout, NetworkError
from syndicator.fetch import Fetcher
from syndicator.fetch.body import INFLATE_STEP, BodyReader
from syndicator.models import FetchResult, FetchSettings

MiB = 1024 * 1024


def loopback(**overrides: object) -> FetchSettings:
    """Settings that may reach the loopback test server, with short deadlines."""
    values: dict[str, object] = {
        "allow_hosts": ("127.0.0.1/32",),
        "per_host_delay": timedelta(0),
        "timeout": timedelta(seconds=0.5),
        "connect_timeout": timedelta(seconds=0.5),
        "max_bytes": 1 * MiB,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def fetch(settings: FetchSettings, url: str) -> FetchResult:
    async def main() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(main())


def test_no_response_at_all_is_a_timeout() -> None:
    """A server that accepts and never answers raises FetchTimeout."""
    with FaultServer() as server:
        server.route("/page", Hang())
        with pytest.raises(FetchTimeout) as caught:
            fetch(loopback(), server.url("/page"))
    assert caught.value.kind == "timeout"


def test_a_trickling_body_is_cut_off_by_the_total_deadline() -> None:
    """Bytes every 50 ms never trip a read timeout, but the 0.5 s total deadline ends it."""
    with FaultServer() as server:
        trickle = Trickle(b"<p>" + b"x" * 200 + b"</p>", interval=0.05)
        server.route("/page", trickle)
        with pytest.raises(FetchTimeout, match="no complete response"):
            fetch(loopback(), server.url("/page"))


def test_connection_reset_mid_body_is_a_network_error() -> None:
    """A TCP reset after part of the body raises NetworkError."""
    with FaultServer() as server:
        server.route("/page", CutBody(b"<p>" + b"x" * 5000, sent=1000, how="reset"))
        with pytest.raises(NetworkError) as caught:
            fetch(loopback(), server.url("/page"))
    assert caught.value.kind == "network"


def test_a_body_shorter_than_its_content_length_is_a_network_error() -> None:
    """A clean close before Content-Length bytes arrived is not taken as a whole page."""
    with FaultServer() as server:
        server.route("/page", CutBody(b"<p>" + b"x" * 5000, sent=1000, how="close"))
        with pytest.raises(NetworkError):
            fetch(loopback(), server.url("/page"))


def test_an_endless_body_stops_at_max_bytes() -> None:
    """A body that never ends raises BodyTooLarge soon after the cap, not after the server tires."""
    endless = Endless()
    with FaultServer() as server:
        server.route("/page", endless)
        with pytest.raises(BodyTooLarge):
            fetch(loopback(timeout=timedelta(seconds=10)), server.url("/page"))
    assert endless.sent < 16 * MiB  # the socket buffers hold a few MiB; we stopped there


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    """Content-Length above max_bytes raises BodyTooLarge without reading the body."""
    with FaultServer() as server:
        server.route("/page", Reply(200, b"x" * (2 * MiB), "text/html"))
        with pytest.raises(BodyTooLarge, match="Content-Length"):
            fetch(loopback(), server.url("/page"))


def test_a_gzip_bomb_stops_at_max_bytes_of_decoded_body() -> None:
    """64 MiB of zeros in ~64 KiB of gzip raises BodyTooLarge: the cap counts decoded bytes."""
    bomb = gzip.compress(b"\0" * (64 * MiB), compresslevel=9)
    assert len(bomb) < MiB  # the wire size alone would pass the cap
    with FaultServer() as server:
        server.route("/page", Reply(200, bomb, "text/html", headers=[("Content-Encoding", "gzip")]))
        with pytest.raises(BodyTooLarge):
            fetch(loopback(timeout=timedelta(seconds=10)), server.url("/page"))


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ],
)
def test_compressed_bodies_are_decoded(encoding: str, compress: object) -> None:
    """gzip, zlib-wrapped and raw deflate bodies arrive decoded."""
    page = "<p>Übung – “quoted”</p>".encode() * 200
    body = compress(page)  # type: ignore[operator]
    with FaultServer() as server:
        headers = [("Content-Encoding", encoding)]
        server.route("/page", Reply(200, body, "text/html; charset=utf-8", headers=headers))
        result = fetch(loopback(), server.url("/page"))
    assert result.body == page


def test_an_unrequested_content_encoding_is_a_network_error() -> None:
    """A body in a coding we did not offer cannot be read and says so."""
    with FaultServer() as server:
        server.route(
            "/page", Reply(200, b"\x1b\x00", "text/html", headers=[("Content-Encoding", "br")])
        )
        with pytest.raises(NetworkError, match="content-encoding"):
            fetch(loopback(), server.url("/page"))


def test_a_corrupt_gzip_body_is_a_network_error() -> None:
    """Garbage labelled gzip raises NetworkError instead of returning garbage."""
    with FaultServer() as server:
        server.route(
            "/page",
            Reply(200, b"not gzip at all", "text/html", headers=[("Content-Encoding", "gzip")]),
        )
        with pytest.raises(NetworkError, match="gzip"):
            fetch(loopback(), server.url("/page"))


def test_nothing_listening_is_a_network_error() -> None:
    """A refused connection is a NetworkError naming the URL."""
    with FaultServer() as server:
        url = server.url("/page")
    with pytest.raises(NetworkError) as caught:
        fetch(loopback(), url)
    assert caught.value.url == url


def test_a_url_that_is_not_http_is_a_fetch_error() -> None:
    """file:// and friends are refused as a plain FetchError before any I/O."""
    with pytest.raises(FetchError, match="http"):
        fetch(loopback(), "file:///etc/passwd")


def test_wrong_declared_charset_is_corrected() -> None:
    """UTF-8 bytes labelled ISO-8859-1 are read as UTF-8, so no mojibake is stored."""
    text = "Defense Secretary – “Ready” © 2025, Müller"
    with FaultServer() as server:
        server.route("/page", Reply(200, text.encode(), "text/html; charset=iso-8859-1"))
        result = fetch(loopback(), server.url("/page"))
    assert result.encoding == "utf-8"
    assert result.text() == text


def test_windows_1252_labelled_utf8_is_read_as_windows_1252() -> None:
    """Bytes that are not UTF-8 under a UTF-8 label fall through to the other evidence."""
    text = "<meta charset=windows-1252><p>“Ready” – Müller</p>"
    with FaultServer() as server:
        server.route("/page", Reply(200, text.encode("cp1252"), "text/html; charset=utf-8"))
        result = fetch(loopback(), server.url("/page"))
    assert result.encoding == "windows-1252"
    assert result.text() == text


# --- the bounded decoder, unit-level ---------------------------------------------------------


async def _chunks(*parts: bytes):  # type: ignore[no-untyped-def]
    for part in parts:
        yield part


def test_inflation_is_bounded_per_step_even_within_one_network_chunk() -> None:
    """One 64 KiB chunk of a bomb is inflated in INFLATE_STEP pieces and stops at the limit."""
    bomb = gzip.compress(b"\0" * (32 * MiB), compresslevel=9)
    reader = BodyReader(limit=3 * INFLATE_STEP + 10, encodings=("gzip",), truncate=True)
    body = asyncio.run(reader.read(_chunks(bomb)))
    assert len(body) == 3 * INFLATE_STEP + 10 and reader.truncated


def test_multi_member_gzip_is_read_whole() -> None:
    """Concatenated gzip members (RFC 1952) decode to the concatenated data."""
    body = gzip.compress(b"first ") + gzip.compress(b"second")
    reader = BodyReader(limit=MiB, encodings=("gzip",))
    assert asyncio.run(reader.read(_chunks(body[:7], body[7:]))) == b"first second"


def test_a_truncated_gzip_stream_is_a_network_error() -> None:
    """A gzip body that ends before its stream does is not silently shortened."""
    body = gzip.compress(b"x" * 10_000 + bytes(range(256)) * 50)
    reader = BodyReader(limit=MiB, encodings=("gzip",))
    with pytest.raises(NetworkError, match="ends before"):
        asyncio.run(reader.read(_chunks(body[: len(body) // 2])))
