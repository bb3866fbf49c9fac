"""A real feed reader: newsboat subscribes to our feeds served on loopback and reloads.

newsboat keeps everything it read in an SQLite cache, so the test reads that cache:
every item exactly once (one id per article across formats and channels), with the
titles and links we published. newsboat sends conditional requests from its third
reload on; the server's log must show 304s then. A changed article, republished,
keeps its single row and gets its new title.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from test_publish_corpus import T0, corpus_articles, corpus_config, corpus_feeds

from syndicator.models import Config, StoredArticle
from syndicator.publish import LocalFolder, build_documents, render_outputs, write_outputs
from syndicator.serve import StaticServer, make_server

SUBSCRIBED = ("feeds/all.rss", "feeds/all.atom", "feeds/source/deftech.atom", "feeds/tag/naval.rss")


def newsboat_or_skip() -> str:
    found = shutil.which("newsboat")
    if found is None:
        if os.environ.get("SYNDICATOR_REQUIRE_NEWSBOAT") == "1":
            pytest.fail("newsboat is required (SYNDICATOR_REQUIRE_NEWSBOAT=1) but not installed")
        pytest.skip("newsboat is not installed")
    return found


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[StaticServer, Path]]:
    server = make_server(tmp_path / "public")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server, tmp_path
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class Newsboat:
    """newsboat with its own config, cache and url files in a temporary folder."""

    def __init__(self, binary: str, home: Path, urls: list[str]) -> None:
        self.binary = binary
        self.home = home
        (home / "urls").write_text("".join(f"{url}\n" for url in urls))
        (home / "config").write_text("reload-threads 1\ndownload-timeout 20\n")
        self.cache = home / "cache.db"

    def reload(self) -> None:
        env = {"HOME": str(self.home), "PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"}
        command = [self.binary, "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
        done = subprocess.run(
            command, cwd=self.home, env=env, capture_output=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")

    def items(self) -> list[tuple[str, str, str]]:
        with sqlite3.connect(self.cache) as connection:
            rows = connection.execute("SELECT guid, title, url FROM rss_item WHERE deleted = 0")
            return sorted(rows.fetchall())


def publish(root: Path, config: Config, articles: dict[str, StoredArticle]) -> None:
    write_outputs(LocalFolder(root), render_outputs(config, corpus_feeds(config, articles)))


def expected_items(
    config: Config, articles: dict[str, StoredArticle]
) -> list[tuple[str, str, str]]:
    """(id, title, link) of every item in the subscribed feeds, each once."""
    subscribed = {path.rsplit(".", 1)[0].removeprefix("feeds/") for path in SUBSCRIBED}
    items = {
        entry.item.id: (entry.item.id, entry.item.title, entry.item.link)
        for document in build_documents(config, corpus_feeds(config, articles))
        if document.channel.slug in subscribed
        for entry in document.entries
    }
    return sorted(items.values())


def test_newsboat_reads_every_item_once_and_revalidates_with_304(
    site: tuple[StaticServer, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """newsboat stores each item once with our titles and links, and gets 304s later."""
    binary = newsboat_or_skip()
    server, home = site
    config = corpus_config(f"http://127.0.0.1:{server.port}/")
    articles = corpus_articles()
    publish(server.root, config, articles)
    reader = Newsboat(binary, home, [f"http://127.0.0.1:{server.port}/{p}" for p in SUBSCRIBED])
    caplog.set_level(logging.INFO, logger="syndicator.serve")

    for _ in range(3):
        reader.reload()
    assert reader.items() == expected_items(config, articles)
    statuses = [(r.path, r.status) for r in caplog.records if hasattr(r, "status")]
    third = statuses[-len(SUBSCRIBED) :]
    assert sorted(third) == sorted((f"/{path}", 304) for path in SUBSCRIBED)

    changed = articles["undated"]
    articles["undated"] = dataclasses.replace(
        changed,
        article=dataclasses.replace(changed.article, title="Drone Makers Win Army Orders"),
        changed_at=T0 + timedelta(days=1),
    )
    publish(server.root, config, articles)
    reader.reload()
    rows = reader.items()
    assert rows == expected_items(config, articles)
    assert "Drone Makers Win Army Orders" in {title for _, title, _ in rows}
