"""The read side of the store: what publishing, digests, search and status ask for."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from ..models import Appearance, Channel, SourceState, StoredArticle
from .rows import article_from_row, state_from_row, to_datetime


class Reading:
    """Queries over the articles and stories; `Store` adds the writing."""

    db: Database

    def _get(self, table: str, **where: Any) -> dict[str, Any] | None:
        """One row by its key columns (plain SQL: sqlite-utils' get reads the schema each time)."""
        condition = " and ".join(f"{column} = ?" for column in where)
        rows = self.db.query(
            f"select * from {table} where {condition} limit 1",  # noqa: S608 (our names)
            list(where.values()),
        )
        return next(iter(rows), None)

    def recent(self, channel: Channel, limit: int) -> list[StoredArticle]:
        """Newest first: one item per story for `all` and tags, every own article for a source."""
        if channel.kind == "source":
            rows = self.db.query(
                "select a.*, a.changed_at as story_changed_at from articles a "
                "where a.hidden = 0 and a.id in (select article_id from entries "
                "where source_id = ?) order by a.date desc, a.id limit ?",
                [channel.key, limit],
            )
        elif channel.kind == "tag":
            rows = self.db.query(
                _STORY_SELECT  # noqa: S608 (constant text; values are bound parameters)
                + "and exists (select 1 from articles m, json_each(m.tags) t "
                "where m.story_id = s.id and t.value = ?) order by s.date desc, s.id limit ?",
                [channel.key, limit],
            )
        else:
            rows = self.db.query(_STORY_SELECT + "order by s.date desc, s.id limit ?", [limit])
        return self._stored(list(rows))

    def article(self, article_id: str) -> StoredArticle | None:
        row = self._get("articles", id=article_id)
        return self._stored([{**row, "story_changed_at": row["changed_at"]}])[0] if row else None

    def log(self, limit: int = 50, source_id: str | None = None) -> list[dict[str, Any]]:
        where, params = ("where source_id = ?", [source_id]) if source_id else ("", [])
        return list(
            self.db.query(
                f"select * from fetch_log {where} order by id desc limit ?",  # noqa: S608
                [*params, limit],
            )
        )

    def states(self) -> list[SourceState]:
        rows = self.db.query("select * from source_state order by source_id")
        return [state_from_row(row["source_id"], row) for row in rows]

    def counts(self) -> dict[str, int]:
        return {
            "articles": self.db.table("articles").count,
            "stories": self.db.table("stories").count,
            "fetches": self.db.table("fetch_log").count,
        }

    def _stored(self, rows: list[dict[str, Any]]) -> list[StoredArticle]:
        members = self._story_members({row["story_id"] for row in rows})
        stored = []
        for row in rows:
            appearances = tuple(
                Appearance(source_id, name, url)
                for member_id, source_id, name, url in members.get(row["story_id"], ())
                if member_id != row["id"]
            )
            first_seen = to_datetime(row["first_seen"])
            changed = max(row["changed_at"], row["story_changed_at"] or "")
            changed_at = to_datetime(changed)
            assert first_seen is not None and changed_at is not None
            stored.append(
                StoredArticle(
                    article=article_from_row(row),
                    source_id=row["source_id"],
                    first_seen=first_seen,
                    changed_at=changed_at,
                    story_id=row["story_id"],
                    appearances=appearances,
                    pinned_at=to_datetime(row.get("story_pinned_at") or row.get("pinned_at")),
                    hidden=bool(row.get("hidden")),
                )
            )
        return stored

    def _story_members(self, story_ids: set[str]) -> dict[str, list[tuple[str, str, str, str]]]:
        """Every visible member of the given stories (one query, not one per story)."""
        members: dict[str, list[tuple[str, str, str, str]]] = {}
        ids = sorted(story_ids)
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            rows = self.db.query(
                "select m.story_id, m.id, m.source_id, m.url, s.name from articles m "  # noqa: S608
                "left join sources s on s.id = m.source_id where m.hidden = 0 and m.story_id "
                f"in ({','.join('?' * len(chunk))}) order by m.first_seen, m.id",
                chunk,
            )
            for r in rows:
                members.setdefault(r["story_id"], []).append(
                    (r["id"], r["source_id"], r["name"] or r["source_id"], r["url"])
                )
        return members


_STORY_SELECT = (
    "select a.*, s.changed_at as story_changed_at from stories s "
    "join articles a on a.id = s.representative_id where a.hidden = 0 "
)
