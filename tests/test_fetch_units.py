"""The fetcher's pure parts: charset, header rules, backoff and the host limiter's clock."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from syndicator.fetch import detect_encoding, next_attempt
from syndicator.fetch.headers import fresh_until, looks_like_html_not_feed, retry_after
from syndicator.fetch.limits import HostLimiter

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
TEXT = "Pentagon “briefing” – Müller ©"
# Long enough for detection to have a language to go on (a dozen bytes rarely do).
ARTICLE = (
    "<p>The Secretary’s remarks on the “new” budget — año 2025 — were welcomed by Müller, "
    "who said the Ministère des Armées would follow.</p>"
) * 3

# --- charset ---------------------------------------------------------------------------

CHARSET_CASES = [
    # (what it shows, body, Content-Type, expected encoding)
    (
        "header is believed when it fits",
        TEXT.encode("cp1252"),
        "text/html; charset=windows-1252",
        "windows-1252",
    ),
    (
        "latin-1 label means windows-1252",
        TEXT.encode("cp1252"),
        "text/html; charset=ISO-8859-1",
        "windows-1252",
    ),
    (
        "utf-8 under a latin-1 label is utf-8",
        TEXT.encode(),
        "text/html; charset=iso-8859-1",
        "utf-8",
    ),
    (
        "a label that does not decode is skipped",
        ARTICLE.encode("cp1252"),
        "text/html; charset=utf-8",
        "windows-1252",
    ),
    (
        "BOM beats the header",
        b"\xef\xbb\xbf" + TEXT.encode(),
        "text/html; charset=windows-1252",
        "utf-8",
    ),
    ("UTF-16 BOM", "\ufeff<p>x</p>".encode("utf-16-le"), None, "utf-16-le"),
    (
        "XML declaration",
        '<?xml version="1.0" encoding="ISO-8859-2"?><rss>Łódź</rss>'.encode("iso-8859-2"),
        "application/rss+xml",
        "iso-8859-2",
    ),
    (
        "meta charset",
        '<html><head><meta charset="koi8-r"></head><p>Привет, мир! Новости обороны</p>'.encode(
            "koi8-r"
        ),
        "text/html",
        "koi8-r",
    ),
    (
        "meta http-equiv",
        b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'
        + "防衛省".encode("shift_jis"),
        "text/html",
        "shift_jis",
    ),
    (
        "meta claiming utf-16 in ASCII bytes",
        b'<meta charset="utf-16"><p>plain</p>',
        "text/html",
        "utf-8",
    ),
    ("plain ASCII is utf-8", b"<p>plain</p>", None, "utf-8"),
    ("undeclared utf-8 is detected", TEXT.encode(), None, "utf-8"),
    ("unknown label is ignored", TEXT.encode(), "text/html; charset=x-no-such-thing", "utf-8"),
    ("empty body", b"", "text/html; charset=utf-8", "utf-8"),
]


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [case[1:] for case in CHARSET_CASES],
    ids=[case[0] for case in CHARSET_CASES],
)
def test_encoding_is_settled_from_the_strongest_evidence_that_fits(
    body: bytes, content_type: str | None, expected: str
) -> None:
    """BOM, header, XML declaration, meta, detection — a declaration counts only if it decodes."""
    assert detect_encoding(body, content_type) == expected
    body.decode(expected)  # and it really decodes


def test_undeclared_legacy_text_is_detected_without_mojibake() -> None:
    """A long undeclared windows-1251 page is detected as an encoding that reads it back right."""
    text = "Министерство обороны сообщило о новых учениях на полигоне. " * 20
    encoding = detect_encoding(text.encode("cp1251"))
    assert text.encode("cp1251").decode(encoding) == text


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", timedelta(seconds=30)),
        ("0", timedelta(seconds=1)),  # never "hammer away"
        ("Wed, 01 Jan 2025 12:10:00 GMT", timedelta(minutes=10)),
        ("Wed, 01 Jan 2025 11:00:00 GMT", timedelta(seconds=1)),  # in the past
        ("Fri, 01 Jan 2100 00:00:00 GMT", timedelta(days=1)),  # clamped
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_dates_and_clamps(
    value: str | None, expected: timedelta | None
) -> None:
    """Retry-After in either form becomes a delay within [1 s, 1 day]; nonsense is None."""
    assert retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=900"}, NOW + timedelta(minutes=15)),
        ({"cache-control": "max-age=900", "age": "300"}, NOW + timedelta(minutes=10)),
        ({"cache-control": "no-cache, max-age=900"}, None),
        (
            {"expires": "Wed, 01 Jan 2025 13:00:00 GMT", "date": "Wed, 01 Jan 2025 12:30:00 GMT"},
            NOW + timedelta(minutes=30),  # measured on the server's clock
        ),
        ({"expires": "Wed, 01 Jan 2025 13:00:00 GMT"}, NOW + timedelta(hours=1)),
        ({"expires": "0"}, None),
        (
            {"cache-control": "max-age=60", "expires": "Fri, 01 Jan 2100 00:00:00 GMT"},
            NOW + timedelta(minutes=1),
        ),
        ({}, None),
    ],
)
def test_fresh_until_follows_cache_control_then_expires(
    headers: dict[str, str], expected: datetime | None
) -> None:
    """max-age (less Age) wins over Expires; no-cache and past dates give no freshness."""
    assert fresh_until(headers, fetched_at=NOW) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<!DOCTYPE html><html><title>Attention Required!</title>", "text/html", True),
        (b"<html><body>login</body></html>", "application/rss+xml", True),
        (
            b"\xef\xbb\xbf<?xml version='1.0'?>\n<?xml-stylesheet href='s.xsl'?><rss>",
            "text/html",
            False,
        ),
        (
            b"<?xml version='1.0'?><!-- generator --><feed xmlns='http://www.w3.org/2005/Atom'>",
            "text/html",
            False,
        ),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "text/html", False),
        (b"<?xml version='1.0'?><!DOCTYPE html><html>", "application/xml", True),
        (b"garbage", "application/xml", False),  # not ours to judge: the parser will say
        (b"garbage", "text/html; charset=utf-8", True),
    ],
)
def test_html_where_a_feed_was_expected_is_recognised(
    body: bytes, content_type: str, expected: bool
) -> None:
    """The first element decides; the media type decides only when the bytes do not."""
    assert looks_like_html_not_feed(body, content_type) is expected


# --- backoff --------------------------------------------------------------------------------


def test_backoff_doubles_per_failure_up_to_the_cap_with_jitter() -> None:
    """Delays grow exponentially from the interval, stay in the jitter band, never pass the cap."""
    interval, cap = timedelta(minutes=30), timedelta(hours=6)
    rng = random.Random(7)
    delays = [next_attempt(n, interval=interval, max_backoff=cap, rng=rng) for n in range(8)]
    assert delays[0] == interval
    for failures, delay in enumerate(delays[1:], start=1):
        target = min(interval * 2**failures, cap)
        assert max(interval, target * 0.75) <= delay <= target
    assert delays[-1] > timedelta(hours=4)


def test_backoff_never_disables_a_source() -> None:
    """Even after thousands of failures the next attempt is finite and at most the cap."""
    delay = next_attempt(
        10_000, interval=timedelta(minutes=5), max_backoff=timedelta(hours=6), rng=random.Random(1)
    )
    assert timedelta(hours=4, minutes=30) <= delay <= timedelta(hours=6)


def test_backoff_cap_below_the_interval_keeps_the_interval() -> None:
    """A source checked daily is not retried sooner than daily because max_backoff is shorter."""
    day = timedelta(days=1)
    delay = next_attempt(3, interval=day, max_backoff=timedelta(hours=6), rng=random.Random(3))
    assert delay == day


def test_backoff_jitter_spreads_sources_that_failed_together() -> None:
    """Different random streams give different delays for the same failure count."""
    delays = {
        next_attempt(
            4,
            interval=timedelta(minutes=10),
            max_backoff=timedelta(hours=6),
            rng=random.Random(seed),
        )
        for seed in range(20)
    }
    assert len(delays) > 10


# --- the host limiter on a virtual clock -----------------------------------------------------


class VirtualClock:
    """Monotonic time that only moves when a task sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def test_limiter_spaces_starts_on_one_host_by_the_delay() -> None:
    """Starts on one host are per_host_delay apart (virtual clock); other hosts do not queue."""
    clock = VirtualClock()
    limiter = HostLimiter(
        concurrency=8,
        per_host_concurrency=2,
        per_host_delay=timedelta(seconds=2),
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    starts: list[tuple[str, float]] = []

    async def request(host: str) -> None:
        async with limiter.slot(host):
            starts.append((host, clock.now))

    async def main() -> None:
        await asyncio.gather(*(request("a.test") for _ in range(4)), request("b.test"))

    asyncio.run(main())
    assert [at for host, at in starts if host == "a.test"] == [0.0, 2.0, 4.0, 6.0]
    # b.test started while a.test's second request was still waiting out its gap
    assert [host for host, _ in starts][:2] == ["a.test", "b.test"]


def test_limiter_crawl_delay_is_capped() -> None:
    """A robots.txt Crawl-delay of an hour is honoured only up to the cap."""
    clock = VirtualClock()
    limiter = HostLimiter(
        concurrency=1,
        per_host_concurrency=1,
        per_host_delay=timedelta(0),
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )

    async def main() -> None:
        for _ in range(2):
            async with limiter.slot("a.test", crawl_delay=timedelta(hours=1)):
                pass

    asyncio.run(main())
    assert clock.now == 60.0


def test_blocks_keep_the_later_expiry_and_lapse() -> None:
    """A shorter Retry-After never shortens a block; expired blocks are not reported."""
    limiter = HostLimiter(concurrency=1, per_host_concurrency=1, per_host_delay=timedelta(0))
    limiter.block("a.test", NOW + timedelta(minutes=10))
    limiter.block("a.test", NOW + timedelta(minutes=1))
    limiter.block("b.test", NOW - timedelta(minutes=1))
    assert limiter.blocked("a.test", NOW) == NOW + timedelta(minutes=10)
    assert limiter.blocks(NOW) == {"a.test": NOW + timedelta(minutes=10)}
    assert limiter.blocked("a.test", NOW + timedelta(minutes=11)) is None
