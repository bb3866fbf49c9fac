"""The SQLite store: the one writer of the database, and every SQL statement we run.

Articles keep their id and first-seen time for ever; a source's entries map to
articles; articles that tell one story share a `story_id` and the story names the
copy we publish. HTTP validators, robots.txt, Retry-After blocks, per-source state
and the fetch log live here too, so a cron run knows what the last one learned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from .. import stories
from ..errors import StoreError
from ..models import (
    Article,
    Entry,
    RobotsRecord,
    Source,
    SourceState,
    SourceUpdate,
    Validators,
)
from .reading import Reading
from .rows import article_from_row, article_row, state_from_row, state_row, to_datetime, to_text
from .schema import MIGRATIONS

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """An entry a source listed before, and whether its page should be fetched again."""

    article_id: str
    retry: bool
    updated: datetime | None
    fingerprint: str | None


@dataclass(frozen=True, slots=True)
class SaveResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class Store(Reading):
    """Open with `Store.open(path)`; close when done (or use as a context manager)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            db = Database(conn, execute_plugins=False)
            MIGRATIONS.apply(db)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- sources, state, HTTP bookkeeping ---------------------------------------------

    def sync_sources(self, sources: Iterable[Source], now: datetime) -> None:
        """Remember source names, so stored appearances can name their source."""
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "url": s.url,
                "homepage": s.homepage,
                "synced_at": to_text(now),
            }
            for s in sources
        ]
        with self._writing():
            self.db.table("sources").upsert_all(rows, pk="id")

    def source_state(self, source_id: str) -> SourceState:
        return state_from_row(source_id, self._get("source_state", source_id))

    def validators(self, url: str) -> Validators:
        row = self._get("http_cache", url)
        return Validators(row["etag"], row["last_modified"]) if row else Validators()

    def get(self, origin: str) -> RobotsRecord | None:
        """RobotsCache protocol: the robots.txt last fetched for an origin."""
        row = self._get("robots", origin)
        if row is None:
            return None
        fetched_at = to_datetime(row["fetched_at"])
        assert fetched_at is not None
        validators = Validators(row["etag"], row["last_modified"])
        return RobotsRecord(origin, row["body"], fetched_at, validators)

    def put(self, record: RobotsRecord) -> None:
        """RobotsCache protocol: remember a robots.txt."""
        row = {
            "origin": record.origin,
            "body": record.body,
            "fetched_at": to_text(record.fetched_at),
            "etag": record.validators.etag,
            "last_modified": record.validators.last_modified,
        }
        with self._writing():
            self.db.table("robots").upsert(row, pk="origin")

    def host_blocks(self, now: datetime) -> dict[str, datetime]:
        """Hosts that asked us (Retry-After) to stay away until a time still ahead."""
        rows = self.db.query("select host, until from host_blocks where until > ?", [to_text(now)])
        return {row["host"]: until for row in rows if (until := to_datetime(row["until"]))}

    def save_host_blocks(self, blocks: Mapping[str, datetime]) -> None:
        rows = [{"host": host, "until": to_text(until)} for host, until in blocks.items()]
        with self._writing():
            self.db.table("host_blocks").upsert_all(rows, pk="host")

    # --- entries and articles ---------------------------------------------------------

    def known_entries(self, source_id: str, entry_ids: Sequence[str]) -> dict[str, KnownEntry]:
        if not entry_ids:
            return {}
        marks = ",".join("?" * len(entry_ids))
        rows = self.db.query(
            f"select e.entry_id, e.article_id, e.retry, e.fingerprint, a.updated from entries e "  # noqa: S608
            f"join articles a on a.id = e.article_id "
            f"where e.source_id = ? and e.entry_id in ({marks})",
            [source_id, *entry_ids],
        )
        return {
            row["entry_id"]: KnownEntry(
                row["article_id"],
                bool(row["retry"]),
                to_datetime(row["updated"]),
                row["fingerprint"],
            )
            for row in rows
        }

    def retry_entries(self, source_id: str, limit: int) -> list[Entry]:
        """Entries whose page could not be fetched last time, to try again."""
        rows = self.db.query(
            "select e.entry_id, e.url, a.title, a.published from entries e "
            "join articles a on a.id = e.article_id where e.source_id = ? and e.retry = 1 "
            "order by e.last_seen desc limit ?",
            [source_id, limit],
        )
        return [
            Entry(
                source_id,
                row["entry_id"],
                row["url"],
                row["title"],
                published=to_datetime(row["published"]),
            )
            for row in rows
        ]

    def save(self, update: SourceUpdate) -> SaveResult:
        """Save one source's pass in one transaction: articles, entries, validators, state, log."""
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        now = update.checked_at
        with self._writing():
            for article, retry in update.articles:
                counts[self._save_article(update.source_id, article, retry, now)] += 1
            for entry_id, fingerprint in update.seen_entries:
                self.db.execute(
                    "update entries set last_seen = ?, fingerprint = ? "
                    "where source_id = ? and entry_id = ?",
                    [to_text(now), fingerprint, update.source_id, entry_id],
                )
            self.db.table("http_cache").upsert_all(
                [
                    {
                        "url": url,
                        "etag": v.etag,
                        "last_modified": v.last_modified,
                        "updated_at": to_text(now),
                    }
                    for url, v in update.validators
                    if v
                ],
                pk="url",
            )
            if update.state is not None:
                self.db.table("source_state").upsert(state_row(update.state), pk="source_id")
            self.db.table("fetch_log").insert_all(
                {
                    "at": to_text(log.at),
                    "source_id": log.source_id,
                    "url": log.url,
                    "stage": log.stage,
                    "outcome": log.outcome,
                    "status": log.status,
                    "bytes": log.bytes,
                    "elapsed_ms": log.elapsed_ms,
                    "message": log.message,
                }
                for log in update.log
            )
        return SaveResult(**counts)

    def _save_article(
        self, source_id: str, article: Article, retry: bool, now: datetime
    ) -> Outcome:
        entry_key = (source_id, article.entry_id or article.id)
        entry = self._get("entries", entry_key)
        if entry is not None:
            article = replace(article, id=entry["article_id"])  # an id never changes
        stored = self._get("articles", article.id)
        outcome: Outcome
        if stored is None:
            self._insert_article(source_id, article, now)
            outcome = "new"
        elif article.is_partial and not stored["is_partial"]:
            outcome = "unchanged"  # never replace a full text with a fallback
            retry = False
        elif article.content_hash == stored["content_hash"] and article.title == stored["title"]:
            self.db.table("articles").update(article.id, {"last_seen": to_text(now)})
            outcome = "unchanged"
        else:
            row = article_row(article)
            row.pop("id")
            first_seen = to_datetime(stored["first_seen"])
            row.update(
                changed_at=to_text(now),
                last_seen=to_text(now),
                date=to_text(article.published or first_seen),
                signature=stories.signature(article).to_text(),
            )
            self.db.table("articles").update(article.id, row)
            self._index_story_keys(article)
            self._refresh_story(stored["story_id"], now)
            outcome = "updated"
        self.db.table("entries").upsert(
            {
                "source_id": source_id,
                "entry_id": entry_key[1],
                "article_id": article.id,
                "url": article.url,
                "first_seen": entry["first_seen"] if entry else to_text(now),
                "last_seen": to_text(now),
                "retry": int(retry),
            },
            pk=("source_id", "entry_id"),
        )
        return outcome

    def _insert_article(self, source_id: str, article: Article, now: datetime) -> None:
        signature = stories.signature(article)
        story_id = self._find_story(signature) or article.id
        row = article_row(article)
        row.update(
            source_id=source_id,
            first_seen=to_text(now),
            changed_at=to_text(now),
            last_seen=to_text(now),
            date=to_text(article.published or now),
            story_id=story_id,
            signature=signature.to_text(),
            hidden=0,
        )
        self.db.table("articles").insert(row, pk="id")
        self._index_story_keys(article, signature)
        self._refresh_story(story_id, now)

    def _index_story_keys(
        self, article: Article, sig: stories.StorySignature | None = None
    ) -> None:
        sig = sig or stories.signature(article)
        self.db.execute("delete from story_keys where article_id = ?", [article.id])
        self.db.table("story_keys").insert_all(
            ({"key": key, "article_id": article.id} for key in stories.lookup_keys(sig)),
            pk=("key", "article_id"),
            ignore=True,
        )

    def _find_story(self, sig: stories.StorySignature) -> str | None:
        """The story of the stored article the matcher says is the same story.

        Candidates share lookup keys; those sharing the most, then the newest, are tried
        first, so templated releases that share many keys cannot crowd out a true match.
        """
        keys = stories.lookup_keys(sig)
        if not keys:
            return None
        marks = ",".join("?" * len(keys))
        rows = self.db.query(
            f"select a.*, count(*) as shared from story_keys k "  # noqa: S608
            f"join articles a on a.id = k.article_id where k.key in ({marks}) "
            f"group by a.id order by shared desc, a.first_seen desc, a.id limit 200",
            list(keys),
        )
        for row in rows:
            if stories.match(sig, self._signature(row)):
                return str(row["story_id"])
        return None

    def _signature(self, row: dict[str, Any]) -> stories.StorySignature:
        """A stored signature; one from an older matcher version is recomputed and saved."""
        try:
            return stories.StorySignature.from_text(row["signature"] or "")
        except ValueError:
            article = article_from_row(row)
            fresh = stories.signature(article)
            self.db.table("articles").update(article.id, {"signature": fresh.to_text()})
            self._index_story_keys(article, fresh)
            return fresh

    def _refresh_story(self, story_id: str, now: datetime) -> None:
        """Pick the copy to publish again, and date the story by it."""
        rows = list(
            self.db.query(
                "select * from articles where story_id = ? order by first_seen, id", [story_id]
            )
        )
        members = [article_from_row(row) for row in rows]
        chosen = rows[stories.representative(members)]
        current = self._get("stories", story_id)
        membership_changed = current is None or current["representative_id"] != chosen["id"]
        self.db.table("stories").upsert(
            {
                "id": story_id,
                "representative_id": chosen["id"],
                "date": chosen["date"],
                "changed_at": to_text(now)
                if membership_changed or len(rows) > 1
                else chosen["changed_at"],
            },
            pk="id",
        )

    def set_hidden(self, article_id: str, hidden: bool) -> bool:
        """Hide an article (or show it again) in every published output; False if unknown."""
        with self._writing():
            cursor = self.db.execute(
                "update articles set hidden = ? where id = ?", [int(hidden), article_id]
            )
        return cursor.rowcount > 0

    # --- helpers ------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction; a failed write becomes a StoreError."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the database: {exc}") from exc
