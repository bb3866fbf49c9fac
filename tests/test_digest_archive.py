"""The digest archive: its page, an Atom feed per digest, the stylesheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import feedparser
from digest_fixtures import BASE_URL, config
from feedrules import assert_valid

from syndicator.digest import Issue, render_archive
from syndicator.digest.style import stylesheet
from syndicator.models import DigestSpec

DAILY = DigestSpec("daily", "Defense Daily Brief", timezone="America/New_York")
WEEKLY = DigestSpec("weekly", "Defense Weekly", period="weekly", tags=("official",))
NOW = datetime(2026, 3, 20, tzinfo=UTC)


def issue(digest_id: str, day: date, stories: int = 2, **changes: object) -> Issue:
    start = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
    base = Issue(
        digest_id=digest_id,
        first_day=day,
        kind="weekly" if digest_id == "weekly" else "daily",
        title=f"Defense Daily Brief — {day}",
        stories=stories,
        start=start,
        end=start + timedelta(days=1),
        feed_html=f'<p>{stories} stories</p><ul><li><a href="{BASE_URL}articles/x.html">X</a></li></ul>',
        content_hash="h",
        built_at=start + timedelta(days=1, hours=1),
        changed_at=start + timedelta(days=1, hours=1),
        dispatched_at=start + timedelta(days=1, hours=1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ISSUES = [issue("daily", date(2026, 3, d)) for d in (3, 4, 5)] + [issue("weekly", date(2026, 3, 2))]


def test_every_digest_gets_a_valid_atom_feed_of_its_issues() -> None:
    """digests/<id>.atom passes the feed validator's rules; entries are the digests, newest first."""
    files = render_archive(config(None, DAILY, WEEKLY), ISSUES)
    for digest_id in ("daily", "weekly"):
        assert_valid(
            f"digests/{digest_id}.atom",
            files[f"digests/{digest_id}.atom"],
            base_url=BASE_URL,
            now=NOW,
        )
    feed = feedparser.parse(files["digests/daily.atom"])
    assert [entry.link for entry in feed.entries] == [
        f"{BASE_URL}digests/daily/2026-03-0{d}.html" for d in (5, 4, 3)
    ]
    assert feed.feed.links[0].href == f"{BASE_URL}digests/daily.atom"
    assert "articles/x.html" in feed.entries[0].content[0].value


def test_feed_ids_and_dates_come_from_the_records_not_the_clock() -> None:
    """Same records, same bytes; an entry's id is stable and its dates are the period's end
    and the time its content last changed."""
    first = render_archive(config(None, DAILY), ISSUES)
    assert render_archive(config(None, DAILY), list(reversed(ISSUES))) == first
    entry = feedparser.parse(first["digests/daily.atom"]).entries[0]
    changed = replace(ISSUES[2], changed_at=datetime(2026, 3, 9, tzinfo=UTC), stories=9)
    again = feedparser.parse(
        render_archive(config(None, DAILY), [changed])["digests/daily.atom"]
    ).entries[0]
    assert entry.id == again.id and entry.id.startswith("urn:uuid:")
    assert entry.published == "2026-03-06T05:00:00+00:00"
    assert again.updated == "2026-03-09T00:00:00+00:00"


def test_a_digest_with_no_issue_yet_has_a_valid_empty_feed() -> None:
    """Subscribers can follow a digest before its first issue."""
    files = render_archive(config(None, DAILY), [])
    assert_valid("digests/daily.atom", files["digests/daily.atom"], base_url=BASE_URL, now=NOW)
    assert "No digest yet" in files["digests/index.html"].decode()


def test_the_archive_page_lists_every_digest_and_its_files() -> None:
    """digests/index.html: each digest, its schedule and feed, every issue in three formats."""
    page = render_archive(
        config(None, DAILY, WEEKLY), [*ISSUES, issue("retired", date(2026, 1, 1))]
    )["digests/index.html"].decode()
    assert "Daily at 06:00, America/New_York" in page and "only #official" in page
    assert 'href="daily/2026-03-05.html"' in page and 'href="daily/2026-03-05.md"' in page
    assert 'href="weekly/2026-03-02.txt"' in page and "Week of 2 to 8 March 2026" in page
    assert "retired" in page  # a digest no longer configured keeps its archive
    assert f'href="{BASE_URL}digests/daily.atom"' in page
    assert page.index("Thursday 5 March") < page.index("Tuesday 3 March")


def test_the_stylesheet_has_every_class_and_both_schemes() -> None:
    """Served pages cannot use inline styles (CSP), so the stylesheet carries every rule."""
    css = stylesheet().decode()
    assert ".headline{" in css and ".masthead{" in css
    assert "@media (prefers-color-scheme: dark)" in css and "@media (max-width: 620px)" in css
    assert "@import" not in css and "url(" not in css
