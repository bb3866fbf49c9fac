"""Retention: removing old articles without touching anything a feed or digest still shows.

Protection is a union of small queries, each giving the ids of articles something
published still shows; a story any of whose articles is protected is kept whole (its
item names the other copies). To protect something more (pinned articles, a new kind
of channel), add one query to `PROTECTED`.

A pruned article leaves a tombstone of each entry that listed it (`pruned_entries`),
so a feed that still lists the entry never brings it back as new; a story that loses
its representative gets a new one from the copies left, or goes when none is left.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .reading import Reading
from .rows import to_text

# Named parameters: :limit (publish.items_per_feed), :digest_start (the earliest a digest
# may still be issued or caught up for), :keep (a JSON list of article ids).
# Each mirrors the query that publishes the channel.
PROTECTED: Mapping[str, str] = {
    "newest stories of the combined feed": (
        "select representative_id from (select s.representative_id from stories s "
        "join articles a on a.id = s.representative_id where a.hidden = 0 "
        "order by s.date desc, s.id limit :limit)"
    ),
    "newest articles of each source's feed": (
        "select article_id from (select article_id, row_number() over "
        "(partition by source_id order by date desc, article_id) as n from "
        "(select distinct e.source_id, e.article_id, a.date from entries e "
        "join articles a on a.id = e.article_id where a.hidden = 0)) where n <= :limit"
    ),
    "newest stories of each tag's feed": (
        "select representative_id from (select s.representative_id, row_number() over "
        "(partition by t.tag order by s.date desc, s.id) as n from stories s "
        "join articles a on a.id = s.representative_id "
        "join (select distinct m.story_id, j.value as tag from articles m, json_each(m.tags) j) t "
        "on t.story_id = s.id where a.hidden = 0) where n <= :limit"
    ),
    "stories a digest may still show": (
        "select representative_id from stories where date >= :digest_start"
    ),
    "pinned articles": "select id from articles where pinned_at is not null",
    "stories the caller names (e.g. a topic feed's newest)": ("select value from json_each(:keep)"),
}


@dataclass(frozen=True, slots=True)
class Pruned:
    """What a prune removed (or, in a dry run, would remove)."""

    articles: tuple[tuple[str, str, str], ...]  # (id, date, title), oldest first
    stories_removed: int
    stories_relinked: int
    fetch_log_rows: int
    run_reports: int


class Pruning(Reading):
    """`prune`: old articles, fetch log rows and run reports; `Store` mixes it in."""

    if TYPE_CHECKING:

        def _writing(self) -> AbstractContextManager[None]: ...
        def _bump(self) -> None: ...
        def _refresh_story(
            self, story_id: str, now: datetime, *, new_member: str | None = None
        ) -> None: ...

        _signature_cache: dict[str, Any]

    def prune(
        self,
        cutoff: datetime,
        *,
        items_per_feed: int,
        digest_start: datetime,
        now: datetime,
        keep: Iterable[str] = (),
        dry_run: bool = False,
    ) -> Pruned:
        """Remove articles dated before `cutoff` that nothing published shows any more.

        `keep`: ids of further articles whose stories stay (channels whose selection is
        not SQL of ours, such as topic feeds' full-text queries).
        """
        params = {
            "cutoff": to_text(cutoff),
            "limit": items_per_feed,
            "digest_start": to_text(digest_start),
            "keep": json.dumps(sorted(keep)),
        }
        protected = " union ".join(PROTECTED.values())
        doomed = [
            (row["id"], row["date"], row["title"])
            for row in self.db.query(
                "select id, date, title, story_id from articles where date < :cutoff "  # noqa: S608
                "and story_id not in (select story_id from articles where id in "
                f"({protected})) order by date, id",
                params,
            )
        ]
        old_rows = {
            "fetch_log": "select count(*) from fetch_log where at < ?",
            "runs": "select count(*) from runs where started < ?",
        }
        counts = {
            table: self.db.execute(query, [params["cutoff"]]).fetchone()[0]
            for table, query in old_rows.items()
        }
        ids = [article_id for article_id, _, _ in doomed]
        with self._writing():  # the temporary table of ids is written even in a dry run
            gone, relink = self._plan(ids)
            if not dry_run:
                self._remove(gone, relink, now)
                self.db.execute("delete from fetch_log where at < ?", [params["cutoff"]])
                self.db.execute("delete from runs where started < ?", [params["cutoff"]])
                if doomed:
                    self._bump()
        self._signature_cache.clear()
        return Pruned(tuple(doomed), len(gone), len(relink), counts["fetch_log"], counts["runs"])

    def pruned_entries(self, source_id: str, entry_ids: list[str]) -> set[str]:
        """Which of a source's entries were pruned (never to be fetched as new again)."""
        found: set[str] = set()
        for start in range(0, len(entry_ids), 500):  # SQLite's bound-parameter limit
            chunk = entry_ids[start : start + 500]
            rows = self.db.query(
                "select entry_id from pruned_entries where source_id = ? "  # noqa: S608
                f"and entry_id in ({','.join('?' * len(chunk))})",
                [source_id, *chunk],
            )
            found.update(row["entry_id"] for row in rows)
        return found

    def _plan(self, article_ids: list[str]) -> tuple[list[str], list[str]]:
        """Stories left with no article (they go) and stories losing their representative
        (they get a new one); the ids are marked in `temp.prune_ids` for `_remove`."""
        self._mark(article_ids)
        rows = self.db.query(
            "select s.id, sum(a.id not in (select id from temp.prune_ids)) as left, "
            "s.representative_id in (select id from temp.prune_ids) as orphaned "
            "from stories s join articles a on a.story_id = s.id where s.id in "
            "(select story_id from articles where id in (select id from temp.prune_ids)) "
            "group by s.id order by s.id"
        )
        gone, relink = [], []
        for row in rows:
            if row["left"] == 0:
                gone.append(row["id"])
            elif row["orphaned"]:
                relink.append(row["id"])
        return gone, relink

    def _remove(self, gone: list[str], relink: list[str], now: datetime) -> None:
        """Delete the marked articles, leaving tombstones of their entries."""
        self.db.execute(
            "insert or ignore into pruned_entries "
            "(source_id, entry_id, article_id, url, pruned_at) "
            "select source_id, entry_id, article_id, url, ? from entries "
            "where article_id in (select id from temp.prune_ids)",
            [to_text(now)],
        )
        for table, column in (
            ("entries", "article_id"),
            ("story_keys", "article_id"),
            ("story_signatures", "article_id"),
            ("articles", "id"),
        ):
            self.db.execute(
                f"delete from {table} where {column} in (select id from temp.prune_ids)"  # noqa: S608
            )
        for story_id in gone:
            self.db.execute("delete from stories where id = ?", [story_id])
        for story_id in relink:
            self._refresh_story(story_id, now)

    def _mark(self, article_ids: list[str]) -> None:
        """Fill a temporary table with the ids (no bound-parameter limit, usable in joins)."""
        self.db.execute("create temp table if not exists prune_ids (id text primary key)")
        self.db.execute("delete from temp.prune_ids")
        self.db.conn.executemany(
            "insert or ignore into temp.prune_ids (id) values (?)", [(i,) for i in article_ids]
        )
