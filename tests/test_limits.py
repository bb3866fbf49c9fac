"""Hostile field sizes: an oversized field is dropped or cut and reported, an entry with
an oversized link is dropped, and nothing oversized reaches a published file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faultserver import FaultServer, Reply
from test_retries import Clock, one_feed_config, run_pass

from syndicator.config import load_config
from syndicator.limits import (
    MAX_AUTHOR,
    MAX_TITLE,
    MAX_URL,
    cap_article,
    cap_entry,
    cut_at_word,
)
from syndicator.models import Article, Entry

HUGE_LINK = "https://news.example.com/story?" + "a=" + "x" * (2 * 1024 * 1024)


def entry(**changes: object) -> Entry:
    base = Entry("s", "e1", "https://news.example.com/a", title="A headline", author="Jo Doe")
    return replace(base, **changes)  # type: ignore[arg-type]


def article(**changes: object) -> Article:
    base = Article(
        "a1", "https://news.example.com/a", "A headline", "<p>Text.</p>", "Text.", author="Jo"
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_an_entry_with_a_huge_link_is_dropped_with_a_reason() -> None:
    """The link is the entry's identity: without a usable one there is nothing to keep."""
    capped = cap_entry(entry(url=HUGE_LINK))
    assert capped.value is None
    assert capped.notes == (f"link of {len(HUGE_LINK):,} characters (limit {MAX_URL:,})",)


def test_oversized_entry_fields_are_dropped_or_cut_and_named() -> None:
    """A long title is cut at a word; a long author, guid or image is dropped; each is named."""
    capped = cap_entry(
        entry(
            title="word " * 1000,
            author="A" * (MAX_AUTHOR + 1),
            guid="g" * 5000,
            image="https://img.example.com/" + "x" * MAX_URL,
            tags=("ok", "t" * 500),
        )
    )
    assert capped.value is not None
    assert len(capped.value.title) <= MAX_TITLE and capped.value.title.endswith("word…")
    assert capped.value.author is None and capped.value.guid is None
    assert capped.value.image is None and capped.value.tags == ("ok",)
    assert len(capped.notes) == 5


def test_an_entry_within_limits_comes_back_unchanged() -> None:
    """Ordinary values are never touched."""
    ordinary = entry()
    assert cap_entry(ordinary).value is ordinary and cap_entry(ordinary).notes == ()


def test_oversized_article_fields_are_dropped_and_a_huge_body_becomes_its_summary() -> None:
    """Links and names over the limits go; a body over the limit is replaced by its summary."""
    capped = cap_article(
        article(
            original_url="https://dod.example/" + "x" * MAX_URL,
            original_publisher="P" * 1000,
            content_html="<p>" + "word " * 500_000 + "</p>",
            summary="A short summary.",
        )
    )
    assert capped.value is not None
    assert capped.value.original_url is None and capped.value.original_publisher is None
    assert capped.value.content_html == "" and capped.value.content_text == "A short summary."
    assert capped.value.is_partial and "over the limit" in (capped.value.partial_reason or "")
    assert cap_article(article(url=HUGE_LINK)).value is None


def test_cut_at_word_keeps_short_text_and_cuts_long_text_at_a_space() -> None:
    assert cut_at_word("short", 10) == "short"
    assert cut_at_word("alpha beta gamma delta", 12) == "alpha beta…"


FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>http://127.0.0.1/</link>
<description>d</description>
<item><title>A fine story</title><link>{{base}}/fine</link><guid>fine</guid>
<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate>
<description>A perfectly ordinary summary of a perfectly ordinary story.</description></item>
<item><title>A hostile story</title><link>{HUGE_LINK}</link><guid>huge</guid>
<pubDate>Mon, 05 Jan 2026 11:00:00 GMT</pubDate>
<description>Its link is two megabytes long.</description></item>
<item><title>{"Long title " * 400}</title><link>{{base}}/long-title</link><guid>long</guid>
<pubDate>Mon, 05 Jan 2026 09:00:00 GMT</pubDate>
<author>{"x" * 5000}@example.com</author>
<description>A story with an oversized title and author.</description></item>
</channel></rss>"""


@pytest.mark.e2e
def test_a_hostile_feed_never_bloats_published_files(tmp_path: Path) -> None:
    """Over real HTTP: the 2 MiB link is dropped and reported, the others are published."""
    with FaultServer() as server:
        base = server.url("").rstrip("/")
        body = FEED.replace("{base}", base).encode()
        server.route("/feed.xml", Reply(200, body, "application/rss+xml"))
        config_path = one_feed_config(tmp_path, "hostile", f"{base}/feed.xml")
        config = load_config(config_path)
        report = run_pass(config_path, Clock(datetime(2026, 1, 5, 12, tzinfo=UTC)))
    (source,) = report.sources
    assert source.new == 2
    assert [(r.stage, r.reason) for r in source.rejected] == [
        ("discover", f"link of {len(HUGE_LINK):,} characters (limit {MAX_URL:,})")
    ]
    assert all(len(r.url) <= 200 for r in source.rejected)
    warnings = " ".join(f.message for f in source.failures)
    assert "title cut" in warnings and "author of" in warnings
    files = [p for p in config.output_dir.rglob("*") if p.is_file()]
    assert files and max(p.stat().st_size for p in files) < 64 * 1024
    assert not any(b"x" * 10_000 in p.read_bytes() for p in files)
