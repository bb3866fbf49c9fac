"""The default transport keeps each origin's connection warm, bounds idle ones, and the
Fetcher works over any httpx transport (the seam tests and callers plug into)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from faultserver import FaultServer, Reply

from syndicator.errors import HTTPStatusError, NotAFeed
from syndicator.fetch import AddressPolicy, Fetcher, GuardedTransport
from syndicator.models import FetchResult, FetchSettings

SETTINGS = FetchSettings(
    allow_hosts=("127.0.0.0/8",), per_host_delay=timedelta(0), timeout=timedelta(seconds=2)
)


def test_requests_to_one_origin_share_a_connection() -> None:
    """robots.txt, a 404 and two pages to one host travel over a single kept-alive connection."""
    with FaultServer() as server:
        server.route("/a", Reply(200, b"a"))
        server.route("/b", Reply(200, b"b"))

        async def go(fetcher: Fetcher) -> None:
            for path in ("/a", "/b"):
                await fetcher.fetch(server.url(path))
            with pytest.raises(HTTPStatusError):
                await fetcher.fetch(server.url("/missing"))
            await fetcher.fetch(server.url("/a"))

        asyncio.run(_with(Fetcher(SETTINGS), go))
    assert [r.path for r in server.requests] == ["/robots.txt", "/a", "/b", "/missing", "/a"]
    assert {r.connection for r in server.requests} == {0}


def test_idle_origins_beyond_the_bound_are_closed_least_recently_used_first() -> None:
    """With room for two idle origins, the oldest is closed and reconnects; the newest reuses."""
    hosts = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    with FaultServer(hosts=hosts) as server:
        server.route("/p", Reply(200, b"ok"))
        transport = GuardedTransport(
            AddressPolicy.from_allow_hosts(SETTINGS.allow_hosts), max_idle_origins=2
        )

        async def go(fetcher: Fetcher) -> None:
            for host in (*hosts, "127.0.0.1", "127.0.0.3"):
                await fetcher.fetch(server.url("/p", host=host))

        asyncio.run(_with(Fetcher(SETTINGS, transport=transport), go))
    pages = [(r.host, r.connection) for r in server.requests if r.path == "/p"]
    first_of = dict(reversed(pages))
    again = dict(pages[3:])
    assert again["127.0.0.1"] != first_of["127.0.0.1"]  # evicted, so a new connection
    assert again["127.0.0.3"] == first_of["127.0.0.3"]  # still warm


def test_the_fetcher_works_over_any_httpx_transport() -> None:
    """A MockTransport stands in for the network: robots.txt, the page and NotAFeed all work."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow:\n")
        return httpx.Response(
            200,
            content=b"<html><body>challenge</body></html>",
            headers={"Content-Type": "text/html"},
        )

    async def go(fetcher: Fetcher) -> FetchResult:
        with pytest.raises(NotAFeed):
            await fetcher.fetch("https://news.example/feed", kind="feed")
        return await fetcher.fetch("https://news.example/page")

    no_delay = FetchSettings(per_host_delay=timedelta(0))
    result = asyncio.run(_with(Fetcher(no_delay, transport=httpx.MockTransport(handler)), go))
    assert result.body.startswith(b"<html>") and result.encoding == "utf-8"
    assert seen == ["/robots.txt", "/feed", "/page"]


async def _with(fetcher: Fetcher, work):  # type: ignore[no-untyped-def]
    async with fetcher:
        return await work(fetcher)


def test_the_fault_server_reads_request_bodies() -> None:
    """A POST's body is recorded and does not bleed into the next request on the connection."""
    with FaultServer() as server:
        server.route("/hub", Reply(202, b""))
        server.route("/after", Reply(200, b"ok"))

        async def go() -> list[int]:
            async with httpx.AsyncClient(trust_env=False) as client:
                first = await client.post(server.url("/hub"), content=b"hub.mode=publish")
                second = await client.get(server.url("/after"))
            return [first.status_code, second.status_code]

        assert asyncio.run(go()) == [202, 200]
    assert [(r.method, r.path, r.body) for r in server.requests] == [
        ("POST", "/hub", b"hub.mode=publish"),
        ("GET", "/after", b""),
    ]
