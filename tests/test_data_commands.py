"""`db backup`, `db restore`, `db check` and `prune`, run as real processes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_cli import syndicator
from test_operations import sample_config

from syndicator.demo import EXPECTED, SampleSite

pytestmark = pytest.mark.e2e


def titles(public: Path, feed: str = "feeds/all.json") -> list[str]:
    return [item["title"] for item in json.loads((public / feed).read_text())["items"]]


def test_backup_check_and_restore_round_trip(tmp_path: Path) -> None:
    """A backup taken after a pass checks clean; after a change, restore brings it back."""
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(
            site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8"
        )
        assert syndicator(config, "run", "--workers", "0").returncode == 0
    backup = tmp_path / "backups" / "syndicator.db"
    made = syndicator(config, "db", "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "(9 articles)" in made.stdout
    assert syndicator(config, "db", "check").stdout.strip().endswith(": ok")
    with sqlite3.connect(tmp_path / "syndicator.db") as conn:
        conn.execute("delete from articles")  # an accident to recover from
    restored = syndicator(config, "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "(9 articles)" in restored.stdout
    assert syndicator(config, "db", "check").returncode == 0
    assert "9 articles in 8 stories" in syndicator(config, "status").stdout


def test_restore_refuses_while_another_process_holds_leases(tmp_path: Path) -> None:
    """A running worker's lease blocks a restore unless --force."""
    config = tmp_path / "sources.yaml"
    config.write_text("database: s.db\nsources: []\n", encoding="utf-8")
    assert syndicator(config, "db", "backup", str(tmp_path / "b.db")).returncode == 0
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute(
            "insert into leases values ('worker', 'host:7:ab', '2000-01-01T00:00:00+00:00', "
            "'2999-01-01T00:00:00+00:00')"
        )
    refused = syndicator(config, "db", "restore", str(tmp_path / "b.db"))
    assert refused.returncode == 1 and "host:7:ab" in refused.stderr
    assert syndicator(config, "db", "restore", str(tmp_path / "b.db"), "--force").returncode == 0


def test_db_check_exits_3_on_a_stale_full_text_index(tmp_path: Path) -> None:
    """A problem found is printed and the exit status is 3."""
    config = tmp_path / "sources.yaml"
    config.write_text("database: s.db\nsources: []\n", encoding="utf-8")
    assert syndicator(config, "db", "check").returncode == 0
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("insert into articles_fts (rowid, title, content_text) values (99, 'x', 'y')")
    result = syndicator(config, "db", "check")
    assert result.returncode == 3
    assert "problem: full-text index" in result.stdout


def test_prune_keeps_what_feeds_show_and_pruned_entries_never_return(tmp_path: Path) -> None:
    """With one item per feed, prune removes only what no feed or digest shows: every
    feed reads the same after it, and a later pass over feeds that still list the pruned
    entries brings none back as new."""
    with SampleSite() as site:
        config = sample_config(tmp_path, site, "\npublish:\n  items_per_feed: 1\n")
        assert syndicator(config, "run", "--workers", "0").returncode == 0
        public = tmp_path / "public"
        feeds = sorted(str(p.relative_to(public)) for p in public.glob("feeds/**/*.json"))
        before = {feed: titles(public, feed) for feed in feeds}
        dry = syndicator(config, "prune", "--older-than", "1d", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.startswith("would remove ")
        assert "9 articles" in syndicator(config, "status").stdout
        done = syndicator(config, "prune", "--older-than", "1d")
        assert done.returncode == 0, done.stderr
        removed = int(done.stdout.split()[1])
        assert removed > 0 and done.stdout.split("\n", 1)[1] == dry.stdout.split("\n", 1)[1]
        assert syndicator(config, "db", "check").returncode == 0
        with sqlite3.connect(tmp_path / "syndicator.db") as conn:
            conn.execute("delete from http_cache")  # every feed answers in full again
        again = syndicator(config, "run", "--workers", "0", "--force")
        assert again.returncode == 0, again.stderr
        assert "0 new articles" in again.stdout and "not modified" not in again.stdout
        assert syndicator(config, "publish").returncode == 0
        assert {feed: titles(public, feed) for feed in feeds} == before
    assert f"{9 - removed} articles" in syndicator(config, "status").stdout
    assert EXPECTED["source_ids"]
