"""The store's operations side: leases, prune, backup and restore, checks, run reports."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from test_store import T0, article, save

from syndicator.errors import StoreError
from syndicator.models import Channel
from syndicator.store import Store

TTL = timedelta(minutes=5)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Store, Store]:
    """Two connections to one database file, as a worker and a cron run would have."""
    path = tmp_path / "shared.db"
    first, second = Store.open(path), Store.open(path)
    yield first, second  # type: ignore[misc]
    first.close()
    second.close()


def test_a_lease_held_by_one_process_is_refused_to_another(two: tuple[Store, Store]) -> None:
    """Only one owner holds a source at a time; the holder may take it again."""
    worker, cron = two
    assert worker.acquire_lease("source:dod", "worker", T0, TTL) is not None
    assert cron.acquire_lease("source:dod", "cron", T0 + timedelta(minutes=1), TTL) is None
    assert worker.acquire_lease("source:dod", "worker", T0 + timedelta(minutes=1), TTL)
    assert cron.leases(T0)["source:dod"].owner == "worker"


def test_an_expired_lease_is_taken_over_and_its_old_owner_learns_it(
    two: tuple[Store, Store],
) -> None:
    """A killed process's lease is taken once expired; a late renewal reports it lost."""
    killed, cron = two
    killed.acquire_lease("source:dod", "killed", T0, TTL)
    assert cron.acquire_lease("source:dod", "cron", T0 + TTL - timedelta(seconds=1), TTL) is None
    taken = cron.acquire_lease("source:dod", "cron", T0 + TTL, TTL)
    assert taken is not None and taken.expires_at == T0 + 2 * TTL
    assert killed.renew_leases(["source:dod"], "killed", T0 + TTL, TTL) == ["source:dod"]
    killed.release_leases(["source:dod"], "killed")  # not its own any more: left alone
    assert cron.leases(T0 + TTL)["source:dod"].owner == "cron"


def test_renewal_keeps_a_lease_and_release_frees_it(two: tuple[Store, Store]) -> None:
    """Renewed leases outlive their first expiry; a released one is free at once."""
    worker, cron = two
    worker.acquire_lease("source:dod", "worker", T0, TTL)
    assert worker.renew_leases(["source:dod"], "worker", T0 + timedelta(minutes=4), TTL) == []
    assert cron.acquire_lease("source:dod", "cron", T0 + timedelta(minutes=6), TTL) is None
    worker.release_leases(["source:dod"], "worker")
    assert cron.acquire_lease("source:dod", "cron", T0 + timedelta(minutes=6), TTL) is not None


def test_leases_taken_inside_a_grouped_pass_are_seen_by_other_connections_at_once(
    two: tuple[Store, Store],
) -> None:
    """A pass groups its writes, but a lease is committed at once, with what came before it."""
    cron, worker = two
    with cron.grouped():
        save(cron, "dod", article("a", "https://www.war.gov/a"))
        assert cron.acquire_lease("source:dod", "cron", T0, TTL) is not None
        assert worker.acquire_lease("source:dod", "worker", T0, TTL) is None
        assert worker.counts()["articles"] == 1  # the grouped write was committed with it


def test_two_processes_racing_for_one_lease_never_both_win(tmp_path: Path) -> None:
    """Many real processes try to take one lease at the same moment: exactly one gets it."""
    import subprocess
    import sys

    path = tmp_path / "race.db"
    Store.open(path).close()
    script = (
        "import sys; from datetime import datetime, timedelta, UTC\n"
        "from syndicator.store import Store\n"
        "s = Store.open(__import__('pathlib').Path(sys.argv[1]))\n"
        "t = datetime(2026, 3, 1, tzinfo=UTC)\n"
        "print('won' if s.acquire_lease('source:x', sys.argv[2], t, timedelta(minutes=5)) else 'lost')\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), f"p{i}"], stdout=subprocess.PIPE, text=True
        )
        for i in range(6)
    ]
    outcomes = [p.communicate(timeout=60)[0].strip() for p in processes]
    assert sorted(outcomes) == ["lost"] * 5 + ["won"]


# --- prune ------------------------------------------------------------------------------

OLD = T0 - timedelta(days=400)


def test_prune_removes_old_articles_but_keeps_what_feeds_show(tmp_path: Path) -> None:
    """Old articles go; the newest items of each channel and recent digests stay."""
    with Store.open(tmp_path / "p.db") as store:
        for n in range(5):
            save(
                store,
                "dod",
                article(f"old{n}", f"https://www.war.gov/o{n}", published=OLD + timedelta(days=n)),
            )
        save(
            store,
            "rep",
            article("lone", "https://rep.example.com/lone", published=OLD, tags=("industry",)),
        )
        result = store.prune(
            T0 - timedelta(days=180), items_per_feed=2, digest_start=T0 - timedelta(days=7), now=T0
        )
        kept = {a.article.id for a in store.recent(Channel("all"), 100)}
    # old3, old4 are the newest two of the source feed and of the combined feed; "lone" is
    # the newest of its source and of its tag.
    assert {a for a, _, _ in result.articles} == {"old0", "old1", "old2"}
    assert kept == {"old3", "old4", "lone"}


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    """--dry-run lists what would go and leaves every row in place."""
    with Store.open(tmp_path / "p.db") as store:
        for n in range(3):
            save(store, "dod", article(f"old{n}", f"https://www.war.gov/o{n}", published=OLD))
        before = store.counts()
        result = store.prune(T0, items_per_feed=1, digest_start=T0, now=T0, dry_run=True)
        assert len(result.articles) == 2 and result.stories_removed == 2
        assert store.counts() == before


def test_a_pruned_entry_never_comes_back_as_new(tmp_path: Path) -> None:
    """The entry's tombstone stays, so a feed that still lists it is not re-fetched."""
    with Store.open(tmp_path / "p.db") as store:
        save(store, "dod", article("gone", "https://www.war.gov/g", published=OLD))
        save(store, "dod", article("kept", "https://www.war.gov/k", published=T0))
        store.prune(T0 - timedelta(days=1), items_per_feed=1, digest_start=T0, now=T0)
        assert store.pruned_entries("dod", ["entry-gone", "entry-kept"]) == {"entry-gone"}
        assert store.article("gone") is None


def test_a_story_losing_its_representative_gets_another(tmp_path: Path) -> None:
    """The old original goes, the recent copy stays and now represents the story."""
    with Store.open(tmp_path / "p.db") as store:
        text = " ".join(f"word{n} reaffirm alliance deterrence consultative" for n in range(60))
        original = article("orig", "https://www.war.gov/o", published=OLD, content_text=text)
        copy = article(
            "copy",
            "https://rep.example.com/c",
            published=T0,
            content_text=text,
            original_url="https://www.war.gov/o",
        )
        save(store, "dod", original)
        save(store, "rep", copy)
        save(store, "dod", article("newer", "https://www.war.gov/n", published=T0))
        story = store.article("copy")
        assert story is not None and store.article("orig") is not None
        assert store.article("orig").story_id == story.story_id  # type: ignore[union-attr]
        # Only the original is older than the cutoff. The copy is the newest of its source's
        # feed, which keeps the whole story; hidden, it is in no feed any more.
        store.curate("copy", "hide", at=T0)
        result = store.prune(T0 - timedelta(days=1), items_per_feed=1, digest_start=T0, now=T0)
        assert [a for a, _, _ in result.articles] == ["orig"] and result.stories_relinked == 1
        row = next(iter(store.db.query("select representative_id from stories")))
        assert row["representative_id"] == "copy"
        assert store.check() == []


def test_backup_is_a_sound_copy_and_restore_brings_it_back(tmp_path: Path) -> None:
    """A backup taken while open reads back whole; restore replaces the live database."""
    with Store.open(tmp_path / "live.db") as store:
        save(store, "dod", article("a", "https://www.war.gov/a"))
        store.backup(tmp_path / "backups" / "copy.db")
        save(store, "dod", article("b", "https://www.war.gov/b"))
        store.acquire_lease("source:dod", "someone", T0, TTL)
        assert store.counts()["articles"] == 2
        store.restore_from(tmp_path / "backups" / "copy.db")
        assert store.counts()["articles"] == 1
        assert store.article("a") is not None and store.leases(T0) == {}
        assert store.check() == []
    assert not list((tmp_path / "backups").glob(".*"))  # no temporary left behind


def test_restore_refuses_a_file_that_is_not_a_sound_database(tmp_path: Path) -> None:
    """A damaged or foreign backup is refused and the live database is left as it was."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with Store.open(tmp_path / "live.db") as store:
        save(store, "dod", article("a", "https://www.war.gov/a"))
        with pytest.raises(StoreError, match="not a sound database"):
            store.restore_from(junk)
        assert store.counts()["articles"] == 1


def test_check_finds_a_stale_full_text_index_and_broken_links(tmp_path: Path) -> None:
    """db check compares the full-text index with the articles and our own links."""
    with Store.open(tmp_path / "c.db") as store:
        save(store, "dod", article("a", "https://www.war.gov/a"))
        assert store.check() == []
        conn = sqlite3.connect(tmp_path / "c.db")
        conn.execute("drop trigger articles_au")  # an edit the index does not hear of
        conn.execute("update articles set title = 'Changed entirely' where id = 'a'")
        conn.execute("update stories set representative_id = 'nothing'")
        conn.commit()
        conn.close()
        problems = store.check()
    assert any("full-text index" in p for p in problems)
    assert any("representative is missing" in p for p in problems)


def test_run_reports_are_stored_and_read_back(tmp_path: Path) -> None:
    """A run report keeps its counts and per-source detail."""
    with Store.open(tmp_path / "r.db") as store:
        store.save_run(
            command="run",
            status="complete",
            started=T0,
            finished=T0 + timedelta(seconds=3),
            new=2,
            failed=1,
            report={"sources": [{"source_id": "dod", "new": 2}]},
        )
        (run,) = store.runs()
    assert run["command"] == "run" and run["new"] == 2 and run["failed"] == 1
    assert run["report"]["sources"][0]["source_id"] == "dod"


def test_pinned_articles_and_named_stories_are_never_pruned(tmp_path: Path) -> None:
    """An editor's pin holds however old the article; so do stories the caller names
    (the newest of each topic feed, whose selection is a full-text query)."""
    with Store.open(tmp_path / "p.db") as store:
        for n in range(4):
            save(store, "dod", article(f"old{n}", f"https://www.war.gov/o{n}", published=OLD))
        save(store, "dod", article("new", "https://www.war.gov/n", published=T0))
        assert store.curate("old0", "pin", at=T0, reason="reference") == "changed"
        result = store.prune(
            T0 - timedelta(days=1),
            items_per_feed=1,
            digest_start=T0,
            now=T0,
            keep=["old1"],
        )
        assert {a for a, _, _ in result.articles} == {"old2", "old3"}
        assert store.article("old0") is not None and store.article("old1") is not None
