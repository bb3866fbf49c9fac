"""The SQLite store: the one writer of the database, and every SQL statement we run.

Articles keep their id and first-seen time for ever; a source's entries map to
articles; articles that tell one story share a `story_id` and the story names the
copy we publish. HTTP validators, robots.txt, Retry-After blocks, per-source state
and the fetch log live here too, so a cron run knows what the last one learned.

sqlite-utils creates the schema (migrations), full-text search and the ad-hoc reads;
the hot write path uses plain parameterised SQL, because sqlite-utils' insert/upsert
read the table's schema on every call, which cost more than the writes themselves.
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
    Prepared,
    Source,
    SourceState,
    SourceUpdate,
)
from ..revision import revise
from .curation import Curation
from .digests import DigestArchive
from .http_cache import HttpBookkeeping
from .leases import Leasing
from .linking import StoryLinking
from .pruning import Pruning
from .rows import (
    article_from_row,
    article_row,
    later_than,
    state_from_row,
    state_row,
    to_datetime,
    to_text,
)
from .runlog import RunLog
from .schema import MIGRATIONS
from .upkeep import Upkeep

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """An entry a source listed before, and whether its page should be fetched again."""

    article_id: str
    retry: bool
    updated: datetime | None
    fingerprint: str | None


@dataclass(frozen=True, slots=True)
class Saved:
    """What saving an article did; `kept` says why a new version was not taken."""

    outcome: Outcome
    kept: str = ""


class Store(
    Curation, StoryLinking, Leasing, Pruning, RunLog, Upkeep, DigestArchive, HttpBookkeeping
):
    """Open with `Store.open(path)`; close when done (or use as a context manager)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._signature_cache = {}
        self._group_size = 0  # > 0 inside `grouped()`
        self._uncommitted = 0

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
        with self._writing():
            for s in sources:
                row = {
                    "id": s.id,
                    "name": s.name,
                    "url": s.url,
                    "homepage": s.homepage,
                    "synced_at": to_text(now),
                }
                self._put("sources", row, key=("id",))

    def source_state(self, source_id: str) -> SourceState:
        return state_from_row(source_id, self._get("source_state", source_id=source_id))

    # --- entries and articles ---------------------------------------------------------

    def known_entries(self, source_id: str, entry_ids: Sequence[str]) -> dict[str, KnownEntry]:
        if not entry_ids:
            return {}
        marks = ",".join("?" * len(entry_ids))
        rows = self.db.query(
            "select e.entry_id, e.article_id, e.retry, e.fingerprint, a.updated "  # noqa: S608
            "from entries e join articles a on a.id = e.article_id "
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

    def save_article(self, source_id: str, prepared: Prepared, now: datetime) -> Saved:
        """Save one article with its entry and its page's validators, in one transaction."""
        with self._writing():
            saved = self._save_article(source_id, prepared, now)
            self._save_validators(prepared.validators, now)
        return saved

    def page_failed(self, source_id: str, entry_id: str, *, give_up_after: int) -> bool:
        """Count a failed fetch of an entry's page; True once it is no longer retried."""
        with self._writing():
            self.db.execute(
                "update entries set attempts = attempts + 1, retry = (attempts + 1 < ?) "
                "where source_id = ? and entry_id = ?",
                [give_up_after, source_id, entry_id],
            )
            row = self._get("entries", source_id=source_id, entry_id=entry_id)
        return row is not None and not row["retry"]

    def save(self, update: SourceUpdate) -> None:
        """Save the rest of a source's pass in one transaction: entries seen, validators,
        state and the fetch log (its articles were saved as they came)."""
        now = update.checked_at
        with self._writing():
            for entry_id, fingerprint in update.seen_entries:
                self.db.execute(
                    "update entries set last_seen = ?, fingerprint = ? "
                    "where source_id = ? and entry_id = ?",
                    [to_text(now), fingerprint, update.source_id, entry_id],
                )
            self._save_validators(update.validators, now)
            if update.state is not None:
                self._put("source_state", state_row(update.state), key=("source_id",))
            self.db.conn.executemany(
                "insert into fetch_log (at, source_id, url, stage, outcome, status, bytes, "
                "elapsed_ms, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        to_text(log.at),
                        log.source_id,
                        log.url,
                        log.stage,
                        log.outcome,
                        log.status,
                        log.bytes,
                        log.elapsed_ms,
                        log.message,
                    )
                    for log in update.log
                ],
            )

    def content_version(self) -> int:
        """A number that grows whenever anything a published file shows may have changed."""
        row = self._get("meta", key="content_version")
        return int(row["value"]) if row else 0

    def published_key(self) -> str | None:
        row = self._get("meta", key="published")
        return row["value"] if row else None

    def set_published_key(self, key: str) -> None:
        with self._writing():
            self._put("meta", {"key": "published", "value": key}, key=("key",))

    def _bump(self) -> None:
        self.db.execute(
            "update meta set value = cast(value as integer) + 1 where key = 'content_version'"
        )

    def _save_article(self, source_id: str, prepared: Prepared, now: datetime) -> Saved:
        article, retry = prepared.article, prepared.retry
        entry_id = article.entry_id or article.id
        entry = self._get("entries", source_id=source_id, entry_id=entry_id)
        if entry is not None:
            article = replace(article, id=entry["article_id"])  # an id never changes
        stored = self._get("articles", id=article.id)
        outcome: Outcome
        kept = ""
        if stored is None:
            self._insert_article(source_id, article, prepared.signature, now)
            outcome = "new"
        else:
            # Same text and title: nothing to weigh (the usual re-fetch, kept cheap).
            unchanged = (
                article.content_hash == stored["content_hash"] and article.title == stored["title"]
            )
            if not unchanged:
                revision = revise(article_from_row(stored), article)
                if revision.article is None:  # the stored version is better: keep it
                    kept, retry, unchanged = (
                        revision.reason,
                        retry and bool(stored["is_partial"]),
                        True,
                    )
                else:
                    article = revision.article
            if unchanged:
                self.db.execute(
                    "update articles set last_seen = ? where id = ?", [to_text(now), article.id]
                )
                outcome = "unchanged"
            else:
                self._update_article(article, prepared.signature, stored, now)
                outcome = "updated"
        row = {
            "source_id": source_id,
            "entry_id": entry_id,
            "article_id": article.id,
            "url": article.url,
            "first_seen": entry["first_seen"] if entry else to_text(now),
            "last_seen": to_text(now),
            "retry": int(retry),
        }
        if not retry:
            row["attempts"] = 0
        self._put("entries", row, key=("source_id", "entry_id"))
        if outcome != "unchanged":
            self._bump()
        return Saved(outcome, kept)

    def _insert_article(
        self, source_id: str, article: Article, signature: str, now: datetime
    ) -> None:
        sig = self._parsed_signature(article, signature)
        keys = stories.lookup_keys(sig)
        story_id = self._find_story(sig, keys) or article.id
        row = article_row(article)
        row.update(
            source_id=source_id,
            first_seen=to_text(now),
            changed_at=to_text(now),
            last_seen=to_text(now),
            date=to_text(article.published or now),
            story_id=story_id,
            hidden=0,
        )
        self._put("articles", row)
        self._remember_signature(article.id, story_id, to_text(now) or "", sig, keys)
        self._refresh_story(story_id, now, new_member=article.id)

    def _update_article(
        self, article: Article, signature: str, stored: Mapping[str, Any], now: datetime
    ) -> None:
        sig = self._parsed_signature(article, signature)
        row = article_row(article)
        del row["id"]
        # Strictly later than the last change, even within one second: readers compare
        # `updated` to notice an edit, and stored times have whole seconds.
        changed = later_than(stored["changed_at"], now)
        row.update(
            changed_at=to_text(changed),
            last_seen=to_text(now),
            date=to_text(article.published or to_datetime(stored["first_seen"])),
        )
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.db.execute(
            f"update articles set {assignments} where id = ?",  # noqa: S608 (our column names)
            [*row.values(), article.id],
        )
        self._remember_signature(article.id, stored["story_id"], stored["first_seen"], sig)
        self._refresh_story(stored["story_id"], changed)

    # --- helpers ------------------------------------------------------------------------

    def _put(self, table: str, row: Mapping[str, Any], *, key: tuple[str, ...] = ()) -> None:
        """INSERT a row, or with `key` an upsert on it (table and columns are ours)."""
        columns = list(row)
        sql = (
            f"insert into {table} ({', '.join(columns)}) "  # noqa: S608
            f"values ({', '.join('?' * len(columns))})"
        )
        if key:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
            sql += f" on conflict ({', '.join(key)}) do update set {updates}"
        self.db.execute(sql, list(row.values()))

    @contextmanager
    def grouped(self, every: int = 200) -> Iterator[None]:
        """Commit the many small writes of a pass together, `every` at a time.

        Each write stays atomic on its own (a savepoint); a commit costs more than a
        write (~1.6 ms in WAL mode), and a pass makes thousands. A failure rolls back
        only what was not committed yet: the next pass fetches those entries again.
        """
        try:
            self.db.conn.execute("BEGIN")
            self._group_size, self._uncommitted = every, 0
            yield
            self.db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.db.conn.rollback()
            raise StoreError(f"cannot write to the database: {exc}") from exc
        except BaseException:
            self.db.conn.rollback()
            raise
        finally:
            self._group_size = 0

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction (a savepoint inside `grouped`); a failed write becomes a StoreError."""
        try:
            with self.db.atomic():
                yield
            if self._group_size:
                self._uncommitted += 1
                if self._uncommitted >= self._group_size:
                    self.db.conn.execute("COMMIT")
                    self.db.conn.execute("BEGIN")
                    self._uncommitted = 0
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the database: {exc}") from exc
