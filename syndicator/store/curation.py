"""Editors' decisions on articles: hide, pin and tag, each one logged with time and reason.

The state lives on the article (`hidden`, `pinned_at`, `tags`), the record in
`curation_log`. Triggers of migration m007 re-apply a decision that a later write of
the article would undo (see `schema.m007_curation`). Every change bumps the content
version, so the next publish rewrites the feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ..models import Channel, StoredArticle, TopicFeed
from .browsing import Browsing
from .rows import to_datetime, to_text

Change = Literal["changed", "unchanged", "unknown"]
CurationAction = Literal["hide", "unhide", "pin", "unpin", "tag"]


@dataclass(frozen=True, slots=True)
class CurationRecord:
    """One editor's decision on an article, as the curation log keeps it."""

    at: datetime
    article_id: str
    action: CurationAction
    detail: str = ""
    reason: str = ""


# action -> (column, the value it sets; "now" stands for the time of the decision)
_STATE: dict[str, tuple[str, object]] = {
    "hide": ("hidden", 1),
    "unhide": ("hidden", 0),
    "pin": ("pinned_at", "now"),
    "unpin": ("pinned_at", None),
}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class Curation(Browsing):
    """Hide, pin and tag articles; published channels list pinned items first."""

    _writing: Callable[[], AbstractContextManager[None]]
    _bump: Callable[[], None]

    def curate(
        self, article_id: str, action: CurationAction, *, at: datetime, reason: str = ""
    ) -> Change:
        """Hide, unhide, pin or unpin an article; logged only when it changes something."""
        column, value = _STATE[action]
        row = self._get("articles", id=article_id)
        if row is None:
            return "unknown"
        if (row[column] is not None and row[column] != 0) == (value not in (None, 0)):
            return "unchanged"
        with self._writing():
            self.db.execute(
                f"update articles set {column} = ? where id = ?",  # noqa: S608 (our names)
                [to_text(at) if value == "now" else value, article_id],
            )
            self._log(at, article_id, action, "", reason)
            self._bump()
        return "changed"

    def edit_tags(
        self,
        article_id: str,
        add: Sequence[str],
        remove: Sequence[str],
        *,
        at: datetime,
        reason: str = "",
    ) -> tuple[str, ...] | None:
        """Add and remove tags; they hold across re-fetches. The tags now, or None if unknown."""
        row = self._get("articles", id=article_id)
        if row is None:
            return None
        before = self.article_tags(article_id)
        with self._writing():
            for op, tags in (("add", add), ("remove", remove)):
                for tag in tags:
                    self.db.execute(
                        "insert into tag_edits (article_id, tag, op, seq) values (?, ?, ?, "
                        "(select coalesce(max(seq), 0) + 1 from tag_edits where article_id = ?)) "
                        "on conflict (article_id, tag) do update set op = excluded.op, "
                        "seq = excluded.seq",
                        [article_id, tag, op, article_id],
                    )
            # The tags trigger applies the edits; writing the column is what runs it.
            self.db.execute("update articles set tags = tags where id = ?", [article_id])
            after = self.article_tags(article_id)
            if after != before:
                detail = " ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
                self._log(at, article_id, "tag", detail, reason)
                self._bump()
        return after

    def article_tags(self, article_id: str) -> tuple[str, ...]:
        rows = self.db.query(
            "select t.value from articles a, json_each(a.tags) t where a.id = ? order by t.key",
            [article_id],
        )
        return tuple(row["value"] for row in rows)

    def history(self, article_id: str) -> list[CurationRecord]:
        """The article's curation log, oldest first."""
        rows = self.db.query(
            "select * from curation_log where article_id = ? order by id", [article_id]
        )
        return [_record(row) for row in rows]

    def curation_log(self, limit: int = 50) -> list[CurationRecord]:
        """The latest decisions on any article, newest first."""
        rows = self.db.query("select * from curation_log order by id desc limit ?", [limit])
        return [_record(row) for row in rows]

    def _log(self, at: datetime, article_id: str, action: str, detail: str, reason: str) -> None:
        self.db.execute(
            "insert into curation_log (at, article_id, action, detail, reason) "
            "values (?, ?, ?, ?, ?)",
            [to_text(at), article_id, action, detail, reason],
        )

    # --- what publishing reads: pinned items first ------------------------------------

    def recent(self, channel: Channel, limit: int) -> list[StoredArticle]:
        """A channel's items newest first, pinned ones before them (latest pin first)."""
        if channel.kind == "topic":
            feed = TopicFeed(channel.key, channel.title, channel.query, channel.tags)
            items = self.topic_stories(feed, limit)
        else:
            items = super().recent(channel, limit)
        pinned = self._pinned(channel, limit)
        if not pinned:
            return items
        pinned.sort(key=lambda item: item.pinned_at or _EARLIEST, reverse=True)
        seen = {item.article.id for item in pinned}
        return (pinned + [item for item in items if item.article.id not in seen])[:limit]

    def _pinned(self, channel: Channel, limit: int) -> list[StoredArticle]:
        if channel.kind == "source":
            sql = (
                "select a.*, a.changed_at as story_changed_at from articles a "
                "where a.pinned_at is not null and a.hidden = 0 "
                "and a.id in (select article_id from entries where source_id = ?) "
            )
            params: list[Any] = [channel.key]
        else:
            # A story is pinned when any visible copy is: the editor may have pinned a copy
            # other than the one the story's item shows.
            sql = (
                "select a.*, s.changed_at as story_changed_at, p.pinned_at as story_pinned_at "
                "from (select story_id, max(pinned_at) as pinned_at from articles "
                "where pinned_at is not null and hidden = 0 group by story_id) p "
                "join stories s on s.id = p.story_id "
                "join articles a on a.id = s.representative_id where a.hidden = 0 "
            )
            params = []
            if channel.kind == "tag":
                sql += (
                    "and exists (select 1 from articles m, json_each(m.tags) t "
                    "where m.story_id = s.id and t.value = ?) "
                )
                params.append(channel.key)
            elif channel.kind == "topic":
                feed = TopicFeed(channel.key, channel.title, channel.query, channel.tags)
                condition, topic_params = self._topic_condition(feed)
                sql += f"and {condition} "
                params += topic_params
        latest = "a.pinned_at" if channel.kind == "source" else "p.pinned_at"
        rows = self.db.query(sql + f"order by {latest} desc, a.id limit ?", [*params, limit])
        return self._stored(list(rows))


def _record(row: dict[str, Any]) -> CurationRecord:
    at = to_datetime(row["at"])
    assert at is not None
    return CurationRecord(at, row["article_id"], row["action"], row["detail"], row["reason"])
