"""Retries and re-runs never make stored data worse, and a pass over unchanged sources
changes no published byte, also while article pages keep failing.

Real HTTP against the loopback sample site, a real SQLite file and real published files;
the pipeline runs in-process with a clock the test controls, so nothing depends on how
many wall-clock seconds pass between two passes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator import pipeline
from syndicator.config import load_config
from syndicator.demo import EXPECTED, SampleSite
from syndicator.models import RunReport
from syndicator.runtime import open_services
from syndicator.store import Store

pytestmark = pytest.mark.e2e

ARMY_PAGES = (
    "/article/291004/eighth_army_rok_engineers_bridge_the_imjin_in_combined_wet_gap_crossing",
    "/article/290871/soldiers_put_a_backpack_counter_drone_kit_through_its_paces_at_yuma",
)


class Clock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def run_pass(config_path: Path, clock: Clock, *, force: bool = True) -> RunReport:
    config = load_config(config_path)

    async def go() -> RunReport:
        async with open_services(config, workers=0, clock=clock) as services:
            return await pipeline.run_pass(services, force=force)

    return asyncio.run(go())


def one_feed_config(folder: Path, source_id: str, feed_url: str) -> Path:
    """A sources.yaml with one feed-only source on loopback (no article pages fetched)."""
    path = folder / "sources.yaml"
    path.write_text(
        "fetch: {allow_hosts: [127.0.0.1], per_host_delay: 0s}\n"
        "sources:\n"
        f"  - {{id: {source_id}, name: {source_id.title()}, url: '{feed_url}', full_text: false}}\n",
        encoding="utf-8",
    )
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite() as running:
        yield running


@pytest.fixture
def config(site: SampleSite, tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8")
    return path


def army_articles(config_path: Path) -> dict[str, tuple[str, str | None, str, str]]:
    """(title -> content_text, author, summary, content_hash) of the army source's articles."""
    with Store.open(load_config(config_path).database) as store:
        rows = store.db.query(
            "select title, author, summary, content_text, content_hash from articles "
            "where source_id = 'army-news'"
        )
        return {
            r["title"]: (r["content_text"], r["author"], r["summary"], r["content_hash"])
            for r in rows
        }


def test_failing_pages_keep_the_feed_text_on_every_retry(site: SampleSite, config: Path) -> None:
    """Pages that keep answering 404: the feed's text and author stay, retry after retry."""
    for path in ARMY_PAGES:
        site.fail("army", path, 404)
    clock = Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    first = run_pass(config, clock)
    army = next(r for r in first.sources if r.source_id == "army-news")
    assert (army.new, army.partial) == (2, 2)
    stored = army_articles(config)
    assert all(author for _, author, _, _ in stored.values())
    assert all(text for text, _, _, _ in stored.values())
    public = load_config(config).output_dir
    published = snapshot(public)
    for _ in range(2):
        clock.advance(timedelta(hours=1))
        again = run_pass(config, clock)
        army = next(r for r in again.sources if r.source_id == "army-news")
        assert (army.new, army.updated) == (0, 0), army
        assert {f.kind for f in army.failures} == {"http_status"}  # retried, and said so
        assert army_articles(config) == stored
        assert snapshot(public) == published


def test_a_retry_that_succeeds_improves_the_article(site: SampleSite, config: Path) -> None:
    """Once a failing page answers, the retry replaces the feed's text with the full page."""
    site.fail("army", ARMY_PAGES[0], 404)
    clock = Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    run_pass(config, clock)
    before = army_articles(config)
    site.restore("army", ARMY_PAGES[0])
    clock.advance(timedelta(hours=1))
    report = run_pass(config, clock)
    army = next(r for r in report.sources if r.source_id == "army-news")
    assert (army.updated, army.partial) == (1, 0)
    after = army_articles(config)
    (title,) = [t for t in after if after[t] != before[t]]
    assert len(after[title][0]) > 2 * len(before[title][0])


def test_unchanged_sources_change_no_published_byte(config: Path) -> None:
    """A second pass over an unchanged site writes nothing and reports nothing new."""
    clock = Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    run_pass(config, clock)
    public = load_config(config).output_dir
    published = snapshot(public)
    clock.advance(timedelta(hours=1))
    second = run_pass(config, clock)
    assert second.published == ()
    assert sum(r.new + r.updated for r in second.sources) == 0
    assert snapshot(public) == published


def test_editing_an_article_moves_updated_and_keeps_the_id(site: SampleSite, config: Path) -> None:
    """An edit found in the same second as the first pass still moves `updated` forward."""
    clock = Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    run_pass(config, clock)
    with Store.open(load_config(config).database) as store:
        (hit,) = store.search_ranked("Reaffirm Alliance Consultative", 1)
        before = hit.stored
    sentence = EXPECTED["original_sentences"][0]
    site.edit(EXPECTED["original_site"], EXPECTED["original_path"], sentence, sentence + " (x)")
    site.edit("dod", EXPECTED["feeds"]["dod"], "</description>", " Updated.</description>")
    report = run_pass(config, clock)  # the clock has not moved at all
    assert sum(r.updated for r in report.sources) == 1
    with Store.open(load_config(config).database) as store:
        after = store.article(before.article.id)
    assert after is not None
    assert after.changed_at > before.changed_at
    assert sentence + " (x)" in after.article.content_text


UNDATED_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Undated</title><link>http://127.0.0.1/</link>
<description>d</description>
<item><title>A story without a date</title><link>{base}/story</link><guid>story</guid>
<description>{text}</description></item>
</channel></rss>"""


def test_an_undated_article_keeps_its_first_seen_date_and_says_so(tmp_path: Path) -> None:
    """No date upstream: first-seen time, flagged in JSON Feed, unmoved by later edits."""
    from faultserver import FaultServer, Reply

    with FaultServer() as server:
        base = server.url("").rstrip("/")

        def serve(text: str) -> None:
            body = UNDATED_FEED.format(base=base, text=text).encode()
            server.route("/feed.xml", Reply(200, body, "application/rss+xml"))

        config_path = one_feed_config(tmp_path, "undated", f"{base}/feed.xml")
        clock = Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))
        serve("The first wording of the story.")
        run_pass(config_path, clock)
        clock.advance(timedelta(days=3))
        serve("The second wording of the story, edited upstream.")
        report = run_pass(config_path, clock)
    assert report.sources[0].updated == 1
    feed = json.loads((tmp_path / "public" / "feeds" / "all.json").read_text())
    (item,) = feed["items"]
    assert item["date_published"] == "2026-01-05T12:00:00Z"
    assert item["date_modified"] == "2026-01-08T12:00:00Z"
    assert item["_syndicator"]["date_is_first_seen"] is True
    assert "second wording" in item["content_html"]
