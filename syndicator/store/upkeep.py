"""Looking after the database file: online backups, restores and integrity checks."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import StoreError
from .reading import Reading

# Invariants of our own tables that SQLite cannot check: (what is wrong, query of ids).
_CONSISTENCY = (
    (
        "stories whose representative is missing or belongs to another story",
        "select s.id from stories s left join articles a on a.id = s.representative_id "
        "where a.id is null or a.story_id != s.id",
    ),
    (
        "articles whose story is missing",
        "select a.id from articles a left join stories s on s.id = a.story_id where s.id is null",
    ),
    (
        "entries whose article is missing",
        "select e.source_id || '/' || e.entry_id from entries e "
        "left join articles a on a.id = e.article_id where a.id is null",
    ),
    (
        "story signatures of missing articles",
        "select g.article_id from story_signatures g "
        "left join articles a on a.id = g.article_id where a.id is null",
    ),
)
_SHOWN = 5


class Upkeep(Reading):
    """Backups and checks; `Store` mixes it in."""

    def backup(self, destination: Path) -> None:
        """Write a consistent copy of the live database to `destination`, atomically.

        `VACUUM INTO` reads one snapshot (writers carry on meanwhile, in WAL mode) and
        writes a compact copy; it goes to a temporary name first and is renamed only once
        complete and synced, so a backup file is never half-written.
        """
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        try:
            self.db.conn.execute("VACUUM INTO ?", [str(temporary)])
            with temporary.open("rb+") as handle:
                os.fsync(handle.fileno())
            temporary.replace(destination)
        except (OSError, sqlite3.Error) as exc:
            temporary.unlink(missing_ok=True)
            raise StoreError(f"cannot back up to {destination}: {exc}") from exc

    def restore_from(self, backup: Path) -> None:
        """Replace the whole live database with a checked backup (SQLite's backup API).

        The copy goes through SQLite's own locking and journal, so a reader never sees
        half a database and no stale WAL file survives. Leases in the backup are dropped:
        they belonged to processes of another time.
        """
        problems = check_file(backup)
        if problems:
            raise StoreError(f"{backup} is not a sound database: {problems[0]}")
        try:
            source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
            try:
                source.backup(self.db.conn)
            finally:
                source.close()
            self.db.conn.execute("delete from leases")
            self.db.conn.commit()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore from {backup}: {exc}") from exc

    def check(self) -> list[str]:
        """Every problem found: SQLite's integrity and foreign-key checks, the full-text
        index against the articles, and the links between our own tables (call it on its
        own, not inside `grouped()`)."""
        conn = self.db.conn
        problems = _sqlite_problems(conn)
        try:
            # FTS5's own check, written as an INSERT: it changes nothing, but the sqlite3
            # module opens a transaction for it, which must not be left holding a lock.
            conn.execute(
                "insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index does not match the articles: {exc}")
        finally:
            conn.rollback()
        for what, query in _CONSISTENCY:
            ids = [row[0] for row in conn.execute(query)]
            if ids:
                shown = ", ".join(ids[:_SHOWN]) + (", ..." if len(ids) > _SHOWN else "")
                problems.append(f"{len(ids)} {what}: {shown}")
        return problems


def check_file(path: Path) -> list[str]:
    """SQLite's own checks of a database file opened read-only (e.g. a backup)."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = _sqlite_problems(conn)
            tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [f"cannot read {path}: {exc}"]
    if not {"articles", "stories", "entries"} <= tables:
        problems.append(f"{path} is not a syndicator database")
    return problems


def _sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    problems = [str(row[0]) for row in conn.execute("pragma integrity_check") if row[0] != "ok"]
    problems += [
        f"foreign key: {table} row {rowid} points at a missing {parent}"
        for table, rowid, parent, _ in conn.execute("pragma foreign_key_check")
    ]
    return problems
