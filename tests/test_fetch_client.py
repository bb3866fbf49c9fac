"""The Fetcher against a real loopback server: conditional GET, redirects, limits, Retry-After."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from faultserver import Conditional, FaultServer, Reply, Sequenced, max_overlap, redirect

from syndicator.errors import HTTPStatusError, NotAFeed, RetryLater, TooManyRedirects
from syndicator.fetch import Fetcher
from syndicator.models import FetchSettings, Validators

T = TypeVar("T")
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<rss version="2.0"><channel><title>Test feed</title></channel></rss>'
)
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def loopback(**overrides: object) -> FetchSettings:
    """Settings that may reach the loopback test server, fast and without delays."""
    values: dict[str, object] = {
        "allow_hosts": ("127.0.0.0/8",),
        "per_host_delay": timedelta(0),
        "timeout": timedelta(seconds=5),
        "connect_timeout": timedelta(seconds=2),
        "user_agent": "syndicator-test/1.0 (+http://127.0.0.1/)",
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def run(settings: FetchSettings, work: Callable[[Fetcher], Awaitable[T]], **kwargs: object) -> T:
    """Run `work` with a fresh Fetcher inside a fresh event loop."""

    async def main() -> T:
        async with Fetcher(settings, **kwargs) as fetcher:  # type: ignore[arg-type]
            return await work(fetcher)

    return asyncio.run(main())


def test_conditional_get_sends_validators_back_byte_for_byte_and_304_is_success() -> None:
    """Validators of a 200 come back on the next request unchanged, and the 304 is a result."""
    etag = b'W/"r\xe9v-1"'  # a non-ASCII byte must survive the round trip
    modified = b"Tue, 01 Jul 2025 10:00:00 GMT"
    with FaultServer() as server:
        server.route("/feed.xml", Conditional(FEED, etag=etag, last_modified=modified))

        async def twice(fetcher: Fetcher) -> tuple:
            first = await fetcher.fetch(server.url("/feed.xml"), kind="feed")
            second = await fetcher.fetch(
                server.url("/feed.xml"), kind="feed", validators=first.validators
            )
            return first, second

        first, second = run(loopback(), twice)
    assert (first.status, first.body, first.encoding) == (200, FEED, "utf-8")
    assert first.validators.etag is not None
    assert first.validators.etag.encode("latin-1") == etag
    request = server.hits("/feed.xml")[1]
    assert request.header("if-none-match") == etag
    assert request.header("if-modified-since") == modified
    assert second.not_modified and second.body == b"" and second.encoding is None
    assert second.validators == first.validators


def test_304_without_validators_keeps_the_ones_sent() -> None:
    """A bare 304 returns the validators we sent, so the stored ones are not wiped."""
    sent = Validators(etag='"v1"', last_modified="Tue, 01 Jul 2025 10:00:00 GMT")
    with FaultServer() as server:
        server.route("/feed.xml", Reply(304, b"", None))
        result = run(loopback(), lambda f: f.fetch(server.url("/feed.xml"), validators=sent))
    assert result.not_modified and result.validators == sent


def test_result_carries_final_url_headers_and_freshness() -> None:
    """A followed redirect reports both URLs; Cache-Control max-age sets fresh_until."""
    with FaultServer() as server:
        server.route("/old", redirect("/new", 301))
        server.route(
            "/new",
            Reply(200, FEED, "application/rss+xml", headers=[("Cache-Control", "max-age=600")]),
        )
        result = run(
            loopback(), lambda f: f.fetch(server.url("/old"), kind="feed"), clock=lambda: NOW
        )
    assert result.requested_url == server.url("/old")
    assert result.url == server.url("/new")
    assert result.headers["cache-control"] == "max-age=600"
    assert result.fresh_until == NOW + timedelta(minutes=10)
    assert result.fetched_at == NOW


def test_redirect_loop_is_too_many_redirects_without_revisiting() -> None:
    """A → B → A stops at the loop: each URL was requested once."""
    with FaultServer() as server:
        server.route("/a", redirect("/b"))
        server.route("/b", redirect("/a"))
        with pytest.raises(TooManyRedirects, match="loop"):
            run(loopback(), lambda f: f.fetch(server.url("/a")))
    assert [r.path for r in server.requests if r.path != "/robots.txt"] == ["/a", "/b"]


def test_long_redirect_chain_stops_after_max_redirects() -> None:
    """With max_redirects=3 the fourth redirect is not followed."""
    with FaultServer() as server:
        for hop in range(10):
            server.route(f"/r{hop}", redirect(f"/r{hop + 1}", 307))
        with pytest.raises(TooManyRedirects) as caught:
            run(loopback(max_redirects=3), lambda f: f.fetch(server.url("/r0")))
    assert caught.value.kind == "too_many_redirects"
    assert caught.value.url == server.url("/r0")
    assert [r.path for r in server.requests if r.path != "/robots.txt"] == [
        "/r0",
        "/r1",
        "/r2",
        "/r3",
    ]


def test_html_challenge_page_where_a_feed_was_expected_is_not_a_feed() -> None:
    """An HTML page answering a feed URL raises NotAFeed; the same page is fine as a page."""
    page = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>"
    with FaultServer() as server:
        server.route("/feed", Reply(200, page, "text/html; charset=utf-8"))
        with pytest.raises(NotAFeed):
            run(loopback(), lambda f: f.fetch(server.url("/feed"), kind="feed"))
        result = run(loopback(), lambda f: f.fetch(server.url("/feed"), kind="page"))
    assert result.body == page


def test_a_feed_served_as_text_html_is_still_a_feed() -> None:
    """The bytes decide: an RSS document with a wrong text/html type is accepted."""
    with FaultServer() as server:
        server.route("/feed", Reply(200, FEED, "text/html"))
        result = run(loopback(), lambda f: f.fetch(server.url("/feed"), kind="feed"))
    assert result.body == FEED


def test_invalid_xml_served_as_a_feed_is_returned_intact_for_the_parser() -> None:
    """Ill-formed XML is not the fetcher's to judge: the bytes reach discover unchanged."""
    broken = b'<?xml version="1.0"?><rss><channel><title>Tanks & Planes</title><item>'
    with FaultServer() as server:
        server.route("/feed", Reply(200, broken, "application/rss+xml"))
        result = run(loopback(), lambda f: f.fetch(server.url("/feed"), kind="feed"))
    assert result.body == broken and result.content_type == "application/rss+xml"


def test_server_error_is_http_status_error_with_status() -> None:
    """A 500 raises HTTPStatusError carrying the status and the requested URL."""
    with FaultServer() as server:
        server.route("/page", Reply(500, b"oops"))
        with pytest.raises(HTTPStatusError) as caught:
            run(loopback(), lambda f: f.fetch(server.url("/page")))
    assert (caught.value.status, caught.value.kind) == (500, "http_status")
    assert caught.value.url == server.url("/page")


def test_user_agent_is_honest_and_can_be_overridden_per_call() -> None:
    """Requests carry settings.user_agent unless a call names its own."""
    with FaultServer() as server:
        server.route("/page", Reply(200, b"ok"))

        async def both(fetcher: Fetcher) -> None:
            await fetcher.fetch(server.url("/page"))
            await fetcher.fetch(server.url("/page"), user_agent="special-source-bot/2.0")

        run(loopback(), both)
    agents = [r.header("user-agent") for r in server.hits("/page")]
    assert agents == [b"syndicator-test/1.0 (+http://127.0.0.1/)", b"special-source-bot/2.0"]


# --- Retry-After ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (503, "120", timedelta(seconds=120)),
        (429, "Wed, 01 Jan 2025 00:05:00 GMT", timedelta(minutes=5)),
        (429, "99999999", timedelta(days=1)),  # clamped
        (429, None, timedelta(minutes=1)),  # a bare 429 still pauses the host
    ],
)
def test_retry_after_blocks_the_host_without_touching_the_network(
    status: int, header: str | None, expected: timedelta
) -> None:
    """429/503 raise RetryLater; the host is then refused at once until the expiry."""
    headers = [("Retry-After", header)] if header else []
    with FaultServer() as server:
        server.route("/a", Reply(status, b"slow down", headers=headers))
        server.route("/b", Reply(200, b"fine"))
        errors: list[RetryLater] = []

        async def go(fetcher: Fetcher) -> dict:
            for path in ("/a", "/b"):
                try:
                    await fetcher.fetch(server.url(path))
                except RetryLater as exc:
                    errors.append(exc)
            return dict(fetcher.blocked_until)

        blocked = run(loopback(), go, clock=lambda: NOW)
    assert [e.retry_after for e in errors] == [expected, expected]
    assert errors[0].status == status
    assert blocked == {"127.0.0.1": NOW + expected}
    assert server.hits("/b") == []


def test_503_without_retry_after_is_an_ordinary_status_error() -> None:
    """A 503 that names no time is a server error, and the host stays open."""
    with FaultServer() as server:
        server.route("/a", Sequenced([Reply(503, b"down"), Reply(200, b"up")]))

        async def go(fetcher: Fetcher) -> bytes:
            with pytest.raises(HTTPStatusError):
                await fetcher.fetch(server.url("/a"))
            return (await fetcher.fetch(server.url("/a"))).body

        assert run(loopback(), go) == b"up"


def test_blocks_handed_in_by_the_caller_are_honoured_and_expire() -> None:
    """A persisted block refuses the host until it expires, then requests flow again."""
    now = [NOW]
    with FaultServer() as server:
        server.route("/a", Reply(200, b"ok"))
        blocked = {"127.0.0.1": NOW + timedelta(minutes=5)}

        async def go(fetcher: Fetcher) -> bytes:
            with pytest.raises(RetryLater) as caught:
                await fetcher.fetch(server.url("/a"))
            assert caught.value.retry_after == timedelta(minutes=5)
            now[0] = NOW + timedelta(minutes=6)
            return (await fetcher.fetch(server.url("/a"))).body

        body = run(loopback(), go, clock=lambda: now[0], blocked_until=blocked)
    assert body == b"ok"
    assert len(server.hits("/a")) == 1


# --- limits -----------------------------------------------------------------------------


def test_per_host_and_global_concurrency_limits_hold() -> None:
    """Never more than per_host_concurrency per host nor concurrency overall are in flight."""
    hosts = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    with FaultServer(hosts=hosts) as server:
        server.route("/page", Reply(200, b"ok", delay=0.05))
        urls = [server.url(f"/page?n={n}", host=host) for host in hosts for n in range(6)]

        async def go(fetcher: Fetcher) -> None:
            await asyncio.gather(*(fetcher.fetch(url) for url in urls))

        run(loopback(concurrency=4, per_host_concurrency=2), go)
    pages = [e for e in server.events if e.path == "/page"]
    assert len(pages) == 2 * len(urls)
    assert [max_overlap(pages, host=host) for host in hosts] == [2, 2, 2]
    assert max_overlap(server.events) == 4


def test_waiting_for_a_busy_host_does_not_hold_a_global_slot() -> None:
    """Requests queued behind a one-at-a-time host leave the other global slot to other hosts."""
    with FaultServer(hosts=("127.0.0.1", "127.0.0.2")) as server:
        server.route("/slow", Reply(200, b"ok", delay=0.1), host="127.0.0.1")
        server.route("/quick", Reply(200, b"ok"), host="127.0.0.2")
        slow = [server.url(f"/slow?n={n}", host="127.0.0.1") for n in range(4)]
        quick = server.url("/quick", host="127.0.0.2")

        async def go(fetcher: Fetcher) -> None:
            queued = [asyncio.ensure_future(fetcher.fetch(url)) for url in slow]
            await asyncio.sleep(0)  # the slow host's requests queue first
            await fetcher.fetch(quick)
            await asyncio.gather(*queued)

        run(loopback(concurrency=2, per_host_concurrency=1), go)
    slow_opens = [e.seq for e in server.events if e.path == "/slow" and e.kind == "open"]
    quick_open = next(e.seq for e in server.events if e.path == "/quick" and e.kind == "open")
    assert quick_open < slow_opens[1]


def test_minimum_delay_between_requests_to_one_host() -> None:
    """The limiter is wired into real requests: starts on one host are spaced out.

    The spacing itself is pinned exactly, with a fake clock, by
    test_limiter_spaces_starts_on_one_host_by_the_delay; here only a generous lower
    bound is asserted, since a loaded machine may deliver the first request late.
    """
    with FaultServer() as server:
        server.route("/page", Reply(200, b"ok"))
        urls = [server.url(f"/page?n={n}") for n in range(4)]

        async def go(fetcher: Fetcher) -> None:
            await asyncio.gather(*(fetcher.fetch(url) for url in urls))

        run(loopback(per_host_delay=timedelta(milliseconds=200), per_host_concurrency=2), go)
    starts = [e.at for e in server.events if e.kind == "open"]
    assert len(starts) == 5  # robots.txt and four pages
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.1  # half the delay: room for a late first arrival
