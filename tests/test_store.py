"""The SQLite store: identity, provenance, stories, queries, HTTP bookkeeping."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.errors import StoreError
from syndicator.models import (
    Article,
    Channel,
    FetchLog,
    Prepared,
    RobotsRecord,
    Source,
    SourceState,
    SourceUpdate,
    Validators,
)
from syndicator.store import Store
from syndicator.store.schema import MIGRATIONS

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def article(id: str, url: str, **changes: object) -> Article:
    base = Article(
        id=id,
        url=url,
        title=f"Title {id}",
        content_html=f"<p>Text {id}</p>",
        content_text=f"Text {id}",
        content_hash=f"hash-{id}",
        entry_id=f"entry-{id}",
        tags=("dod",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "db" / "test.db")
    opened.sync_sources(
        [
            Source("dod", "DoD News", "https://www.war.gov/rss"),
            Source("rep", "Republisher", "https://rep.example.com/feed"),
        ],
        T0,
    )
    yield opened  # type: ignore[misc]
    opened.close()


def save(
    store: Store, source: str, *articles: Article, at: datetime = T0, retry: bool = False
) -> Counter[str]:
    """Save articles as the pipeline does, one transaction each; count the outcomes."""
    return Counter(store.save_article(source, Prepared(a, retry), at).outcome for a in articles)


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    """Opening an existing database keeps its data and its schema version."""
    path = tmp_path / "x.db"
    with Store.open(path) as first:
        save(first, "dod", article("a", "https://www.war.gov/a"))
    with Store.open(path) as second:
        assert second.counts()["articles"] == 1
        applied = [row["name"] for row in second.db.query("select name from _sqlite_migrations")]
        assert applied[:4] == [
            "m001_initial",
            "m002_entry_fingerprint",
            "m003_meta",
            "m004_story_signatures",
        ]
        assert len(applied) == len(set(applied))  # each exactly once
        assert MIGRATIONS.pending(second.db) == []


def test_new_unchanged_updated_keep_id_and_first_seen(store: Store) -> None:
    """A changed article bumps changed_at, never its id or first_seen."""
    original = article("a", "https://www.war.gov/a")
    assert save(store, "dod", original)["new"] == 1
    assert save(store, "dod", original, at=T0 + timedelta(hours=1))["unchanged"] == 1
    edited = replace(original, id="some-new-id", content_hash="hash-2", content_text="Edited")
    assert save(store, "dod", edited, at=T0 + timedelta(hours=2))["updated"] == 1
    (stored,) = store.recent(Channel("source", "dod"), 10)
    assert stored.article.id == "a"
    assert stored.article.content_text == "Edited"
    assert stored.first_seen == T0
    assert stored.changed_at == T0 + timedelta(hours=2)


def test_undated_article_keeps_its_first_seen_date(store: Store) -> None:
    """An undated item is dated when first seen, and keeps that date on later runs."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    save(store, "dod", article("a", "https://www.war.gov/a"), at=T0 + timedelta(days=3))
    (stored,) = store.recent(Channel("all"), 10)
    assert stored.date == T0


def test_partial_fallback_never_replaces_full_text(store: Store) -> None:
    """When a page fails later, the stored full text stays."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    fallback = article(
        "a",
        "https://www.war.gov/a",
        content_hash="x",
        content_text="summary",
        is_partial=True,
        partial_reason="timeout",
    )
    assert save(store, "dod", fallback, retry=True)["unchanged"] == 1
    assert store.article("a").article.content_text == "Text a"  # type: ignore[union-attr]
    assert store.retry_entries("dod", 10) == []


def test_partial_entries_are_offered_for_retry(store: Store) -> None:
    """An entry saved from the feed's summary is retried until its page is had."""
    save(store, "dod", article("a", "https://www.war.gov/a", is_partial=True), retry=True)
    (entry,) = store.retry_entries("dod", 10)
    assert entry.url == "https://www.war.gov/a"
    known = store.known_entries("dod", ["entry-a", "entry-zzz"])
    assert set(known) == {"entry-a"} and known["entry-a"].retry


def test_copy_and_original_are_one_story_crediting_the_original(store: Store) -> None:
    """A republished copy joins its original's story; the combined feed lists it once."""
    copy = article(
        "c",
        "https://rep.example.com/2024/10/copy/",
        tags=("trade",),
        original_url="https://www.defense.gov/News/Article/1/",
        original_publisher="U.S. Department of Defense",
    )
    save(store, "rep", copy)
    original = article(
        "o", "https://www.war.gov/News/Article/1", original_url="https://www.war.gov/News/Article/1"
    )
    save(store, "dod", original, at=T0 + timedelta(minutes=5))
    (item,) = store.recent(Channel("all"), 10)
    assert item.article.id == "o"
    assert [(a.source_id, a.source_name, a.url) for a in item.appearances] == [
        ("rep", "Republisher", "https://rep.example.com/2024/10/copy/")
    ]
    assert [s.article.id for s in store.recent(Channel("tag", "trade"), 10)] == ["o"]
    assert [s.article.id for s in store.recent(Channel("source", "rep"), 10)] == ["c"]
    assert [s.article.id for s in store.recent(Channel("source", "dod"), 10)] == ["o"]


def test_recent_is_newest_first_and_capped(store: Store) -> None:
    """Channels list newest first and stop at the limit."""
    for day in range(5):
        save(
            store,
            "dod",
            article(f"a{day}", f"https://www.war.gov/{day}", published=T0 - timedelta(days=day)),
        )
    assert [s.article.id for s in store.recent(Channel("all"), 3)] == ["a0", "a1", "a2"]
    window, total = store.digest_stories(T0 - timedelta(days=3), T0 - timedelta(days=1), limit=10)
    assert [s.article.id for s in window] == ["a2", "a3"] and total == 2


def test_search_and_hide(store: Store) -> None:
    """Full-text search finds words in the text; hidden articles leave every channel."""
    save(
        store, "dod", article("a", "https://www.war.gov/a", content_text="hypersonic glide vehicle")
    )
    save(store, "dod", article("b", "https://www.war.gov/b", content_text="budget request"))
    assert [hit.stored.article.id for hit in store.search_ranked("hypersonic")] == ["a"]
    assert store.curate("a", "hide", at=T0) == "changed"
    assert [s.article.id for s in store.recent(Channel("all"), 10)] == ["b"]
    assert store.curate("missing", "hide", at=T0) == "unknown"


def test_http_bookkeeping_round_trips(store: Store) -> None:
    """Validators, robots.txt, host blocks, state and the fetch log are remembered."""
    log = FetchLog(T0, "dod", "https://www.war.gov/rss", "feed", "ok", 200, 1234, 56)
    state = SourceState("dod", T0, T0, T0 + timedelta(hours=1), 0)
    store.save(
        SourceUpdate(
            "dod",
            T0,
            validators=(("https://www.war.gov/rss", Validators('"v1"', "Tue")),),
            log=(log,),
            state=state,
        )
    )
    assert store.validators("https://www.war.gov/rss") == Validators('"v1"', "Tue")
    assert store.validators("https://other/") == Validators()
    assert store.source_state("dod") == state
    assert store.log(5)[0]["outcome"] == "ok"
    store.put(
        RobotsRecord("https://www.war.gov", "User-agent: *\nDisallow: /x", T0, Validators('"r"'))
    )
    assert store.get("https://www.war.gov") == RobotsRecord(
        "https://www.war.gov", "User-agent: *\nDisallow: /x", T0, Validators('"r"', None)
    )
    store.save_host_blocks(
        {"www.war.gov": T0 + timedelta(minutes=10), "old.mil": T0 - timedelta(1)}
    )
    assert store.host_blocks(T0) == {"www.war.gov": T0 + timedelta(minutes=10)}


def test_failed_write_is_a_store_error_and_keeps_data(tmp_path: Path) -> None:
    """A database that cannot be written raises StoreError; what was stored stays."""
    path = tmp_path / "ro.db"
    with Store.open(path) as store:
        save(store, "dod", article("a", "https://www.war.gov/a"))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    from sqlite_utils import Database

    read_only = Store(Database(conn, execute_plugins=False))
    with pytest.raises(StoreError):
        save(read_only, "dod", article("b", "https://www.war.gov/b"))
    read_only.close()
    with Store.open(path) as store:
        assert store.counts()["articles"] == 1


def test_unusable_path_is_a_store_error(tmp_path: Path) -> None:
    """A database path that cannot be created is a StoreError naming it."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="cannot open database"):
        Store.open(blocker / "x.db")


def test_signature_from_an_older_matcher_is_recomputed(tmp_path: Path) -> None:
    """A stored signature the matcher no longer reads is rebuilt, and matching still works."""
    path = tmp_path / "old.db"
    with Store.open(path) as first:
        save(first, "dod", article("o", "https://www.war.gov/News/Article/1"))
        first.db.execute(
            "update story_signatures set signature = ? where article_id = 'o'", ['{"v": 0}']
        )
    with Store.open(path) as store:
        copy = article(
            "c", "https://rep.example.com/copy/", original_url="https://www.war.gov/News/Article/1"
        )
        save(store, "rep", copy)
        assert store.article("c").story_id == "o"  # type: ignore[union-attr]
        (row,) = store.db.query("select signature from story_signatures where article_id = 'o'")
    assert row["signature"] != '{"v": 0}'


def test_content_version_moves_only_when_published_content_may_change(store: Store) -> None:
    """New, updated and hidden articles move the version; an unchanged save does not."""
    start = store.content_version()
    a = article("a", "https://www.war.gov/a")
    save(store, "dod", a)
    after_new = store.content_version()
    save(store, "dod", a)
    assert store.content_version() == after_new > start
    save(store, "dod", replace(a, content_hash="h2", content_text="edited"))
    after_update = store.content_version()
    store.curate("a", "hide", at=T0)
    assert store.content_version() > after_update > after_new


def test_grouped_writes_commit_in_groups_and_a_failure_keeps_what_was_committed(
    tmp_path: Path,
) -> None:
    """Inside `grouped`, writes commit every N; an error rolls back only the open group."""
    path = tmp_path / "group.db"
    with Store.open(path) as store, pytest.raises(RuntimeError), store.grouped(every=2):
        for n in range(3):
            save(store, "dod", article(f"a{n}", f"https://www.war.gov/{n}"))
        raise RuntimeError("the pass died")
    with Store.open(path) as store:
        assert store.counts()["articles"] == 2  # the first group of two was committed
