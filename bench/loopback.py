"""A loopback news farm for the fetch benchmark: many hosts, fixed latency, real HTTP/1.1.

Source n is served by its own address 127.1.x.y (all of 127.0.0.0/8 is loopback), so
per-host politeness limits apply as they would on the real web. Every host serves
`/robots.txt`, `/feed.xml` (RSS with --pages items) and `/article/<k>.html`, each with
an ETag and Last-Modified, and answers a matching conditional request with 304. Every
response waits --latency seconds first. Nothing ever changes, so a second pass should
be almost all 304s.

Run by `bench/fetch.py` as a child process; it prints `READY <port>` when listening and
answers `GET /__stats` (on any host) with its counters as JSON.

    python bench/loopback.py --sources 500 --pages 10 --latency 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections import Counter

LAST_MODIFIED = b"Mon, 03 Mar 2025 09:00:00 GMT"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def address_index(address: str) -> int:
    """The source index an address serves (the inverse of `host_address`)."""
    _, _, high, low = (int(part) for part in address.split("."))
    return high * 250 + low - 1


def host_address(index: int) -> str:
    """The loopback address of source `index` (0-based): 127.1.0.1, 127.1.0.2, ..."""
    return f"127.1.{index // 250}.{index % 250 + 1}"


# Words the farm writes its articles with; every page is a different draw from them, so
# the pipeline sees 5,000 distinct stories, not one story republished 5,000 times.
_WORD_TEXT = (
    "army navy air force marine guard brigade battalion squadron fleet carrier destroyer "
    "frigate submarine missile radar drone satellite exercise training readiness budget "
    "contract procurement programme acquisition logistics supply depot base garrison "
    "officials secretary general admiral commander colonel sergeant soldiers sailors airmen "
    "allies partners coalition alliance treaty summit ministry department pentagon congress "
    "committee hearing testimony report review audit inspection modernisation upgrade "
    "prototype delivery schedule delay cost overrun engineers crews pilots maintenance "
    "hangar runway harbour port bridge river crossing convoy patrol mission deployment "
    "rotation reserve recruit retention housing families health medical research "
    "laboratory testing range launch intercept defence shield cyber network space "
    "command centre headquarters region border coast island desert mountain arctic winter "
    "summer spring autumn week month quarter year announced said confirmed expects plans "
    "completed began resumed paused approved awarded signed delivered tested fielded "
    "the a of to in on for with by from at after before during while across over under "
    "new next first final major minor joint combined annual regional national local"
)
WORDS = _WORD_TEXT.split()
PARAGRAPH_POOL = 4000
PARAGRAPHS_PER_PAGE = 40


def _paragraphs() -> list[str]:
    rng = random.Random(2025)
    pool = []
    for _ in range(PARAGRAPH_POOL):
        words = rng.choices(WORDS, k=rng.randint(25, 40))
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def headline(index: int, k: int) -> str:
    rng = random.Random(index * 100_003 + k)
    return " ".join(rng.choices(WORDS, k=8)).capitalize()


NAV = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(40))


def article_page(pool: list[str], index: int, k: int) -> bytes:
    """A ~14 KB article page, different for every source and article, with boilerplate."""
    rng = random.Random(index * 100_003 + k)
    paragraphs = "".join(f"<p>{text}</p>" for text in rng.sample(pool, PARAGRAPHS_PER_PAGE))
    title = headline(index, k)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | Loopback News</title></head><body><nav><ul>{NAV}</ul></nav>"
        f'<article><h1>{title}</h1><div class="ad">Advertisement</div>{paragraphs}</article>'
        "<footer>© Loopback News</footer></body></html>"
    ).encode()


def feed(index: int, address: str, port: int, pages: int) -> bytes:
    items = "".join(
        f"<item><title>{headline(index, k)}</title>"
        f"<link>http://{address}:{port}/article/{k}.html</link>"
        f'<guid isPermaLink="false">{address}-{k}</guid>'
        f"<pubDate>Mon, 03 Mar 2025 0{k % 10}:00:00 GMT</pubDate>"
        f"<description>Summary of article {k} from source {index}.</description></item>"
        for k in range(pages)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Loopback source {index}</title><link>http://{address}:{port}/</link>"
        f"<description>Benchmark feed</description>{items}</channel></rss>"
    ).encode()


class Farm:
    def __init__(self, *, sources: int, pages: int, latency: float) -> None:
        self.sources, self.pages, self.latency = sources, pages, latency
        self.port = 0
        self.pool = _paragraphs()
        self.feeds: dict[str, bytes] = {}
        self.counts: Counter[str] = Counter()

    def respond(self, address: str, target: str, if_none_match: bytes | None) -> bytes:
        """The whole response for one request, as bytes."""
        path = target.split("?", 1)[0]
        kind = "other"
        if path == "/__stats":
            body = json.dumps(dict(self.counts)).encode()
            return self._message(200, b"application/json", body, etag=None)
        if path == "/robots.txt":
            kind, body, ctype, etag = "robots", ROBOTS, b"text/plain", b'"robots-1"'
        elif path == "/feed.xml":
            kind, ctype, etag = "feed", b"application/rss+xml; charset=utf-8", b'"feed-1"'
            body = self.feeds.get(address) or feed(
                address_index(address), address, self.port, self.pages
            )
            self.feeds[address] = body
        elif path.startswith("/article/") and path.endswith(".html"):
            number = path[len("/article/") : -len(".html")]
            if not number.isdigit() or int(number) >= self.pages:
                return self._count("page", 404, self._message(404, b"text/plain", b"", None))
            kind, ctype, etag = "page", b"text/html; charset=utf-8", f'"page-{number}"'.encode()
            body = article_page(self.pool, address_index(address), int(number))
        else:
            return self._count(kind, 404, self._message(404, b"text/plain", b"", None))
        if if_none_match == etag:
            return self._count(kind, 304, self._message(304, None, b"", etag))
        return self._count(kind, 200, self._message(200, ctype, body, etag))

    def _count(self, kind: str, status: int, message: bytes) -> bytes:
        self.counts["requests"] += 1
        self.counts[f"{kind}_{status}"] += 1
        self.counts[f"status_{status}"] += 1
        return message

    @staticmethod
    def _message(status: int, ctype: bytes | None, body: bytes, etag: bytes | None) -> bytes:
        reason = {200: b"OK", 304: b"Not Modified", 404: b"Not Found"}[status]
        head = [b"HTTP/1.1 %d %s" % (status, reason), b"Last-Modified: " + LAST_MODIFIED]
        if etag is not None:
            head.append(b"ETag: " + etag)
        if ctype is not None:
            head.append(b"Content-Type: " + ctype)
        if status != 304:
            head.append(b"Content-Length: %d" % len(body))
        return b"\r\n".join(head) + b"\r\n\r\n" + body

    def protocol(self) -> asyncio.Protocol:
        return _Connection(self)

    async def serve(self) -> None:
        servers = []
        for index in range(self.sources):
            server = await asyncio.get_running_loop().create_server(
                self.protocol, host_address(index), self.port, backlog=1024
            )
            self.port = server.sockets[0].getsockname()[1]
            servers.append(server)
        print(f"READY {self.port}", flush=True)
        # Stop when the parent closes our stdin (or dies): no stray servers left behind.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        for server in servers:
            server.close()


class _Connection(asyncio.Protocol):
    """One client connection. A bare protocol with call_later rather than a stream
    coroutine per request: the farm must cost far less per request than the client it
    measures, on the same two cores."""

    def __init__(self, farm: Farm) -> None:
        self.farm = farm
        self.buffer = b""
        self.address = ""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.address = transport.get_extra_info("sockname")[0]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode("latin-1")
            if_none_match = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"if-none-match":
                    if_none_match = value.strip()
            response = self.farm.respond(self.address, target, if_none_match)
            asyncio.get_running_loop().call_later(self.farm.latency, self._send, response)

    def _send(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per response")
    args = parser.parse_args()
    farm = Farm(sources=args.sources, pages=args.pages, latency=args.latency)
    asyncio.run(farm.serve())


if __name__ == "__main__":
    main()
