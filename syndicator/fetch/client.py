"""The polite, defensive HTTP client every network read of a run goes through."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Literal

import httpx

from ..charset import detect_encoding
from ..errors import (
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    NotAFeed,
    RetryLater,
    RobotsDisallowed,
    SSRFBlocked,
    TooManyRedirects,
)
from ..models import FetchResult, FetchSettings, RobotsRecord, Validators
from .body import read_body
from .guard import AddressPolicy
from .headers import (
    FEED_ACCEPT,
    PAGE_ACCEPT,
    RETRY_AFTER_DEFAULT,
    fresh_until,
    header_text,
    looks_like_html_not_feed,
    request_headers,
    response_headers,
    retry_after,
    validators_of,
)
from .limits import HostLimiter
from .robots import (
    ROBOTS_MAX_BYTES,
    UNREACHABLE_RECHECK,
    MemoryRobotsCache,
    RobotsCache,
    RobotsRules,
    origin_of,
    record_is_fresh,
    robots_url,
    rules_from_answer,
    rules_when_unreachable,
)
from .transport import GuardedTransport

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Exchange:
    """One request and its response, body already read (empty unless 2xx)."""

    url: str
    host: str
    response: httpx.Response
    body: bytes
    elapsed: float


class Fetcher:
    """Fetches feeds and pages politely: one per run, shared by every source."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        robots: RobotsCache | None = None,
        clock: Callable[[], datetime] = utc_now,
        blocked_until: Mapping[str, datetime] | None = None,
    ) -> None:
        self.settings = settings
        self._policy = AddressPolicy.from_allow_hosts(settings.allow_hosts)
        self._clock = clock
        self._robots = robots if robots is not None else MemoryRobotsCache()
        self._rules: dict[str, RobotsRules] = {}
        self._rules_loading: dict[str, asyncio.Future[RobotsRules]] = {}
        self._limiter = HostLimiter(
            concurrency=settings.concurrency,
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay=settings.per_host_delay,
            blocked_until=blocked_until,
        )
        # Requests go straight to the transport, not through httpx.AsyncClient: we follow
        # redirects ourselves (each hop re-checked) and want no cookies, auth or
        # environment proxies (a proxy would bypass the SSRF guard).
        self._transport = transport or GuardedTransport(
            self._policy, connections_per_origin=settings.per_host_concurrency
        )
        total = settings.timeout.total_seconds()
        self._timeouts = httpx.Timeout(
            total, connect=settings.connect_timeout.total_seconds(), pool=total
        ).as_dict()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    @property
    def blocked_until(self) -> Mapping[str, datetime]:
        """Hosts that asked us to wait (Retry-After), with when: for the caller to persist."""
        return self._limiter.blocks(self._clock())

    # --- the one public operation --------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        validators: Validators = Validators(),  # noqa: B008  # frozen, so one shared default is safe
        kind: Literal["feed", "page"] = "page",
        user_agent: str | None = None,
    ) -> FetchResult:
        """GET `url` (conditionally when `validators` are given), following safe redirects.

        Returns a result for 2xx and 304; raises a `FetchError` subclass otherwise, or
        `NotAFeed` when `kind="feed"` and an HTML page came back.
        """
        agent = user_agent or self.settings.user_agent
        accept = FEED_ACCEPT if kind == "feed" else PAGE_ACCEPT
        final = await self._follow(
            url,
            headers=request_headers(agent, accept, validators),
            user_agent=agent,
            check_robots=True,
            limit=self.settings.max_bytes,
        )
        response = final.response
        status = response.status_code
        if not (200 <= status < 300 or status == 304):
            raise self._status_error(final, requested=url)
        content_type = header_text(response, "content-type")
        if kind == "feed" and status != 304 and looks_like_html_not_feed(final.body, content_type):
            raise NotAFeed(
                f"expected a feed from {final.url}, got an HTML page ({content_type or 'no type'})",
                url=url,
            )
        fetched_at = self._clock()
        headers_seen = response_headers(response)
        return FetchResult(
            requested_url=url,
            url=final.url,
            status=status,
            body=final.body,
            content_type=content_type,
            encoding=detect_encoding(final.body, content_type) if status != 304 else None,
            validators=validators_of(response, validators),
            fetched_at=fetched_at,
            elapsed=timedelta(seconds=final.elapsed),
            headers=headers_seen,
            fresh_until=fresh_until(headers_seen, fetched_at=fetched_at),
        )

    # --- redirects, one hop at a time ----------------------------------------------------

    async def _follow(
        self,
        url: str,
        *,
        headers: dict[bytes, bytes],
        user_agent: str,
        check_robots: bool,
        limit: int,
    ) -> _Exchange:
        """The last response of the redirect chain from `url`; each hop vetted before it is sent."""
        requested, seen, spent = url, [url], 0.0
        while True:
            parsed, host = self._vet(url, requested=requested)
            crawl_delay = None
            if check_robots:
                rules = await self._rules_for(url, user_agent=user_agent)
                self._raise_if_blocked(host, requested=requested)  # robots.txt said "later"
                rules.check(url, user_agent)
                crawl_delay = rules.crawl_delay(user_agent)
            exchange = await self._exchange(
                parsed,
                host=host,
                headers=headers,
                limit=limit,
                truncate=not check_robots,
                crawl_delay=crawl_delay,
                budget=self.settings.timeout.total_seconds() - spent,
                requested=requested,
            )
            spent += exchange.elapsed
            location = exchange.response.headers.get("location")
            if exchange.response.status_code not in REDIRECT_STATUSES or not location:
                return replace(exchange, elapsed=spent)
            try:
                target = str(parsed.join(location.strip()).copy_with(fragment=None))
            except httpx.InvalidURL as exc:
                message = f"{url} redirects to an invalid URL: {exc}"
                raise NetworkError(message, url=requested) from None
            if len(seen) - 1 >= self.settings.max_redirects:
                raise TooManyRedirects(
                    f"more than {self.settings.max_redirects} redirects from {requested}",
                    url=requested,
                )
            if target in seen:
                raise TooManyRedirects(
                    f"redirect loop: {target} was already visited", url=requested
                )
            seen.append(target)
            url = target

    def _vet(self, url: str, *, requested: str) -> tuple[httpx.URL, str]:
        """`url` parsed, and its host, after checking scheme, SSRF literal and Retry-After."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a valid URL: {url!r} ({exc})", url=requested) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise FetchError(f"only http(s) URLs with a host are fetched: {url!r}", url=requested)
        host = parsed.host.lower()
        self._policy.check_literal(host, url=requested)
        self._raise_if_blocked(host, requested=requested)
        return parsed, host

    def _raise_if_blocked(self, host: str, *, requested: str) -> None:
        now = self._clock()
        until = self._limiter.blocked(host, now)
        if until is not None:
            raise RetryLater(
                f"{host} asked us to wait until {until.isoformat()}",
                url=requested,
                status=429,
                retry_after=until - now,
            )

    # --- one request ----------------------------------------------------------------------

    async def _exchange(
        self,
        url: httpx.URL,
        *,
        host: str,
        headers: dict[bytes, bytes],
        limit: int,
        truncate: bool,
        crawl_delay: timedelta | None,
        budget: float,
        requested: str,
    ) -> _Exchange:
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": self._timeouts})
        async with self._limiter.slot(host, crawl_delay=crawl_delay):
            self._raise_if_blocked(host, requested=requested)  # a reply we waited behind
            started = time.monotonic()
            try:
                # httpx's timeouts bound each read; this bounds the whole exchange, so a
                # server trickling a byte a second cannot hold us past the timeout.
                async with asyncio.timeout(max(budget, 0.0)):
                    response = await self._transport.handle_async_request(request)
                    try:
                        body = await read_body(response, limit=limit, truncate=truncate)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise FetchTimeout(
                    f"no complete response from {url} within {self.settings.timeout}",
                    url=requested,
                ) from None
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{url}: {type(exc).__name__}: {exc}", url=requested) from exc
            except httpx.HTTPError as exc:
                raise NetworkError(f"{url}: {type(exc).__name__}: {exc}", url=requested) from exc
            except FetchError as exc:
                if exc.url is None:
                    exc.url = requested
                raise
        elapsed = time.monotonic() - started
        self._note_retry_after(host, response)
        return _Exchange(str(url), host, response, body, elapsed)

    def _note_retry_after(self, host: str, response: httpx.Response) -> None:
        if response.status_code not in RETRY_STATUSES:
            return
        now = self._clock()
        delay = retry_after(header_text(response, "retry-after"), now=now)
        if delay is None and response.status_code == 429:
            delay = RETRY_AFTER_DEFAULT
        if delay is not None:
            self._limiter.block(host, now + delay)

    def _status_error(self, exchange: _Exchange, *, requested: str) -> FetchError:
        status = exchange.response.status_code
        until = self._limiter.blocked(exchange.host, self._clock())
        if status in RETRY_STATUSES and until is not None:
            return RetryLater(
                f"{exchange.url} answered {status}; retry after {until.isoformat()}",
                url=requested,
                status=status,
                retry_after=until - self._clock(),
            )
        return HTTPStatusError(f"{exchange.url} answered {status}", url=requested, status=status)

    # --- robots.txt ------------------------------------------------------------------------

    async def _rules_for(self, url: str, *, user_agent: str) -> RobotsRules:
        """The robots rules of `url`'s origin, read once however many fetches ask at once."""
        origin = origin_of(url)
        now = self._clock()
        rules = self._rules.get(origin)
        if rules is not None and rules.fresh(now):
            return rules
        loading = self._rules_loading.get(origin)
        if loading is None:
            cached = self._robots.get(origin)
            ttl = self.settings.robots_ttl
            if cached is not None and record_is_fresh(cached, now=now, ttl=ttl):
                # No task for a cache hit: the fetch goes on at once, not after every
                # other source's robots.txt has been parsed.
                rules = self._rules[origin] = RobotsRules.from_record(cached, ttl=ttl)
                return rules
            loading = asyncio.ensure_future(self._read_robots(origin, cached, user_agent))
            self._rules_loading[origin] = loading
            loading.add_done_callback(lambda _: self._rules_loading.pop(origin, None))
        # shield: one caller giving up must not cancel the read the others wait for
        rules = self._rules[origin] = await asyncio.shield(loading)
        return rules

    async def _read_robots(
        self, origin: str, cached: RobotsRecord | None, user_agent: str
    ) -> RobotsRules:
        """robots.txt read (conditionally when cached), stored, and turned into rules."""
        sent = cached.validators if cached is not None else Validators()
        ttl = self.settings.robots_ttl
        try:
            exchange = await self._follow(
                robots_url(origin),
                headers=request_headers(user_agent, "text/plain, */*;q=0.5", sent),
                user_agent=user_agent,
                check_robots=False,
                limit=ROBOTS_MAX_BYTES,
            )
        except RetryLater as exc:  # the host is blocked; ask again when the block ends
            until = self._clock() + exc.retry_after
            return RobotsRules.unreachable(origin, RobotsDisallowed, str(exc), until=until)
        except SSRFBlocked as exc:  # never fall back to a cached copy for a refused address
            until = self._clock() + UNREACHABLE_RECHECK
            return RobotsRules.unreachable(origin, SSRFBlocked, str(exc), until=until)
        except FetchError as exc:
            return rules_when_unreachable(
                origin, cached, type(exc), str(exc), now=self._clock(), ttl=ttl
            )
        now = self._clock()
        blocked = self._limiter.blocked(exchange.host, now)
        if exchange.response.status_code in RETRY_STATUSES and blocked is not None:
            reason = f"{exchange.url} asked us to wait until {blocked.isoformat()}"
            return RobotsRules.unreachable(origin, RobotsDisallowed, reason, until=blocked)
        rules, record = rules_from_answer(
            origin,
            status=exchange.response.status_code,
            body=exchange.body,
            received=validators_of(exchange.response, sent),
            cached=cached,
            now=now,
            ttl=ttl,
        )
        if record is not None:
            self._robots.put(record)
        return rules
