"""robots.txt: honoured on every fetch, cached with a TTL, read conditionally, cautious."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from faultserver import Conditional, FaultServer, Hang, Reply, redirect

from syndicator.errors import FetchTimeout, RetryLater, RobotsDisallowed
from syndicator.fetch import Fetcher, MemoryRobotsCache
from syndicator.models import FetchSettings, RobotsRecord

T = TypeVar("T")
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
AGENT = "syndicator/0.1 (+http://127.0.0.1/)"
ROBOTS = b"User-agent: *\nDisallow: /private\n"
# RFC 9309: a crawler obeys only the most specific group that names it.
GROUPS = b"User-agent: *\nDisallow: /private\n\nUser-agent: syndicator\nDisallow: /no-syndicator\n"


def loopback(**overrides: object) -> FetchSettings:
    values: dict[str, object] = {
        "allow_hosts": ("127.0.0.1/32",),
        "per_host_delay": timedelta(0),
        "timeout": timedelta(seconds=1),
        "user_agent": AGENT,
        "robots_ttl": timedelta(hours=1),
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def run(
    work: Callable[[Fetcher], Awaitable[T]],
    *,
    settings: FetchSettings | None = None,
    **kwargs: object,
) -> T:
    async def main() -> T:
        async with Fetcher(settings or loopback(), **kwargs) as fetcher:  # type: ignore[arg-type]
            return await work(fetcher)

    return asyncio.run(main())


def serve_pages(server: FaultServer) -> None:
    for path in ("/private/a", "/public/a", "/no-syndicator/a"):
        server.route(path, Reply(200, b"page " + path.encode()))


def test_a_disallowed_url_is_never_requested() -> None:
    """Disallow: /private raises RobotsDisallowed and the page is not requested at all."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(200, ROBOTS))
        serve_pages(server)
        with pytest.raises(RobotsDisallowed) as caught:
            run(lambda f: f.fetch(server.url("/private/a")))
        assert run(lambda f: f.fetch(server.url("/public/a"))).status == 200
    assert caught.value.kind == "robots_disallowed"
    assert caught.value.url == server.url("/private/a")
    assert server.hits("/private/a") == []


def test_the_group_naming_our_product_token_is_the_one_we_obey() -> None:
    """Our token's group applies to us; a per-call agent is matched by its own token."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(200, GROUPS))
        serve_pages(server)

        async def go(fetcher: Fetcher) -> list[int]:
            with pytest.raises(RobotsDisallowed):
                await fetcher.fetch(server.url("/no-syndicator/a"))
            with pytest.raises(RobotsDisallowed):
                await fetcher.fetch(server.url("/private/a"), user_agent="otherbot/1")
            return [
                (await fetcher.fetch(server.url("/private/a"))).status,
                (
                    await fetcher.fetch(server.url("/no-syndicator/a"), user_agent="otherbot/1")
                ).status,
            ]

        assert run(go) == [200, 200]
    assert len(server.hits("/robots.txt")) == 1


def test_a_redirect_into_a_disallowed_path_is_not_followed() -> None:
    """Every hop is checked against robots.txt, not only the first URL."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(200, ROBOTS))
        server.route("/go", redirect("/private/a"))
        serve_pages(server)
        with pytest.raises(RobotsDisallowed):
            run(lambda f: f.fetch(server.url("/go")))
    assert server.hits("/private/a") == []


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_robots_txt_4xx_allows_everything(status: int) -> None:
    """A missing or forbidden robots.txt means no rules (RFC 9309)."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(status, b"nope"))
        serve_pages(server)
        assert run(lambda f: f.fetch(server.url("/private/a"))).status == 200


def test_robots_txt_5xx_disallows_everything_and_is_asked_once_per_run() -> None:
    """An erroring robots.txt refuses every page without requesting it, and is not hammered."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(500, b"boom"))
        serve_pages(server)

        async def go(fetcher: Fetcher) -> list[str]:
            kinds = []
            for path in ("/public/a", "/private/a", "/public/a"):
                with pytest.raises(RobotsDisallowed) as caught:
                    await fetcher.fetch(server.url(path))
                kinds.append(caught.value.kind)
            return kinds

        assert run(go) == ["robots_disallowed"] * 3
    assert len(server.hits("/robots.txt")) == 1
    assert server.hits("/public/a") == []


def test_robots_txt_that_never_answers_refuses_with_a_timeout() -> None:
    """An unreachable robots.txt refuses the page with the robots request's own error kind."""
    with FaultServer() as server:
        server.route("/robots.txt", Hang())
        serve_pages(server)
        with pytest.raises(FetchTimeout, match=r"robots\.txt"):
            run(
                lambda f: f.fetch(server.url("/public/a")),
                settings=loopback(timeout=timedelta(seconds=0.3)),
            )
    assert server.hits("/public/a") == []


def test_robots_txt_503_with_retry_after_is_retry_later_for_the_page() -> None:
    """robots.txt asking us to come back later blocks the host; the page raises RetryLater."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(503, b"busy", headers=[("Retry-After", "60")]))
        serve_pages(server)
        with pytest.raises(RetryLater) as caught:
            run(lambda f: f.fetch(server.url("/public/a")), clock=lambda: NOW)
    assert caught.value.retry_after == timedelta(seconds=60)
    assert server.hits("/public/a") == []


def test_robots_txt_is_cached_for_its_ttl_then_revalidated_conditionally() -> None:
    """No robots.txt request within the TTL; after it a conditional GET, whose 304 keeps rules."""
    cache = MemoryRobotsCache()
    now = [NOW]
    with FaultServer() as server:
        server.route(
            "/robots.txt", Conditional(ROBOTS, etag=b'"robots-1"', content_type="text/plain")
        )
        serve_pages(server)

        def attempt() -> None:
            with pytest.raises(RobotsDisallowed):
                run(lambda f: f.fetch(server.url("/private/a")), robots=cache, clock=lambda: now[0])

        attempt()
        now[0] = NOW + timedelta(minutes=59)
        attempt()
        assert len(server.hits("/robots.txt")) == 1
        now[0] = NOW + timedelta(minutes=61)
        attempt()
    revalidation = server.hits("/robots.txt")[1]
    assert revalidation.header("if-none-match") == b'"robots-1"'
    record = cache.get(f"http://127.0.0.1:{server.port}")
    assert record is not None and record.fetched_at == NOW + timedelta(minutes=61)
    assert record.body is not None and "Disallow: /private" in record.body


def test_a_stale_cached_copy_is_used_while_robots_txt_is_unreachable() -> None:
    """When robots.txt errors, rules we already had still apply instead of refusing everything."""
    with FaultServer() as server:
        origin = f"http://127.0.0.1:{server.port}"
        cache = MemoryRobotsCache()
        cache.put(RobotsRecord(origin, ROBOTS.decode(), NOW - timedelta(days=3)))
        server.route("/robots.txt", Reply(502, b"bad gateway"))
        serve_pages(server)

        async def go(fetcher: Fetcher) -> int:
            with pytest.raises(RobotsDisallowed):
                await fetcher.fetch(server.url("/private/a"))
            return (await fetcher.fetch(server.url("/public/a"))).status

        assert run(go, robots=cache, clock=lambda: NOW) == 200


def test_concurrent_fetches_to_one_origin_read_robots_txt_once() -> None:
    """Ten simultaneous first fetches to a host share a single robots.txt request."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(200, ROBOTS, delay=0.05))
        server.route("/public/a", Reply(200, b"ok"))

        async def go(fetcher: Fetcher) -> None:
            await asyncio.gather(
                *(fetcher.fetch(server.url(f"/public/a?n={n}")) for n in range(10))
            )

        run(go)
    assert len(server.hits("/robots.txt")) == 1
    assert len(server.hits("/public/a")) == 10


def test_crawl_delay_spaces_requests_to_the_host() -> None:
    """A robots.txt Crawl-delay longer than per_host_delay spaces our requests by it."""
    with FaultServer() as server:
        server.route("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 0.2\n"))
        server.route("/public/a", Reply(200, b"ok"))

        async def go(fetcher: Fetcher) -> None:
            await asyncio.gather(*(fetcher.fetch(server.url(f"/public/a?n={n}")) for n in range(3)))

        run(go)
    starts = [e.at for e in server.events if e.kind == "open" and e.path == "/public/a"]
    assert len(starts) == 3
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.19
