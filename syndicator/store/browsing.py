"""What editors read: articles by source, tag and date, ranked search, topic feeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import StoredArticle, TopicFeed
from .reading import _STORY_SELECT, Reading
from .rows import to_text


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A stored article that matched a full-text query, with the passage that matched."""

    stored: StoredArticle
    snippet: str
    score: float  # bm25: lower is better


@dataclass(frozen=True, slots=True)
class StoryCopy:
    """One stored copy of a story, hidden or not."""

    article_id: str
    source_id: str
    source_name: str
    url: str
    hidden: bool
    published: bool  # the copy the story's item shows


# Weights of bm25() per column of `articles_fts` (title, content_text): a word in the
# headline says more about what an article is about than one in its tenth paragraph.
_TITLE_WEIGHT, _TEXT_WEIGHT = 5.0, 1.0


class Browsing(Reading):
    """Queries behind `syndicator articles …` and topic feeds."""

    def find_articles(
        self,
        *,
        source_id: str | None = None,
        tag: str | None = None,
        since: datetime | None = None,
        hidden: bool = False,
        limit: int = 50,
    ) -> list[StoredArticle]:
        """Articles newest first (every copy, not one per story), hidden ones or the others."""
        where: list[str] = ["a.hidden = ?"]
        params: list[Any] = [int(hidden)]
        if source_id is not None:
            where.append("a.id in (select article_id from entries where source_id = ?)")
            params.append(source_id)
        if tag is not None:
            where.append("exists (select 1 from json_each(a.tags) t where t.value = ?)")
            params.append(tag)
        if since is not None:
            where.append("a.date >= ?")
            params.append(to_text(since))
        rows = self.db.query(
            "select a.*, a.changed_at as story_changed_at from articles a "  # noqa: S608
            f"where {' and '.join(where)} order by a.date desc, a.id limit ?",
            [*params, limit],
        )
        return self._stored(list(rows))

    def search_ranked(self, query: str, limit: int = 20) -> list[SearchHit]:
        """FTS5 `query` over titles and text, best first (bm25), with the matching passage.

        Hidden articles are found too (an editor may be looking for one to show again).
        """
        rows = list(
            self.db.query(
                "select a.*, a.changed_at as story_changed_at, "
                "snippet(articles_fts, -1, '[', ']', '…', 16) as snippet, "
                "bm25(articles_fts, ?, ?) as score "
                "from articles_fts join articles a on a.rowid = articles_fts.rowid "
                "where articles_fts match ? order by score, a.id limit ?",
                [_TITLE_WEIGHT, _TEXT_WEIGHT, query, limit],
            )
        )
        stored = self._stored(rows)
        return [
            SearchHit(item, row["snippet"], row["score"])
            for item, row in zip(stored, rows, strict=True)
        ]

    def topic_stories(
        self,
        feed: TopicFeed,
        limit: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[StoredArticle]:
        """A topic feed's stories newest first, one item per story (dated in [start, end)).

        A story is in when a visible copy matches the query and, with `feed.tags`,
        carries one of them.
        """
        condition, params = self._topic_condition(feed)
        sql = _STORY_SELECT + f"and {condition} "
        if start is not None:
            sql += "and s.date >= ? "
            params.append(to_text(start))
        if end is not None:
            sql += "and s.date < ? "
            params.append(to_text(end))
        rows = self.db.query(sql + "order by s.date desc, s.id limit ?", [*params, limit])
        return self._stored(list(rows))

    def _topic_condition(self, feed: TopicFeed) -> tuple[str, list[Any]]:
        """SQL over the story `s`: a visible member matches the topic."""
        sql = (
            "s.id in (select m.story_id from articles_fts f join articles m "
            "on m.rowid = f.rowid where articles_fts match ? and m.hidden = 0"
        )
        params: list[Any] = [feed.query]
        if feed.tags:
            marks = ",".join("?" * len(feed.tags))
            sql += f" and exists (select 1 from json_each(m.tags) t where t.value in ({marks}))"  # noqa: S608
            params += list(feed.tags)
        return sql + ")", params

    def story_copies(self, story_id: str) -> list[StoryCopy]:
        """Every stored copy of a story, the hidden ones too, oldest first."""
        rows = self.db.query(
            "select m.id, m.source_id, m.url, m.hidden, s.name, "
            "(m.id = st.representative_id) as published from articles m "
            "left join sources s on s.id = m.source_id "
            "left join stories st on st.id = m.story_id "
            "where m.story_id = ? order by m.first_seen, m.id",
            [story_id],
        )
        return [
            StoryCopy(
                r["id"], r["source_id"], r["name"] or r["source_id"], r["url"],
                bool(r["hidden"]), bool(r["published"]),
            )
            for r in rows
        ]  # fmt: skip

    def listed_by(self, article_id: str) -> list[tuple[str, str]]:
        """The sources whose feeds or pages listed the article, with the URL they gave."""
        rows = self.db.query(
            "select source_id, url from entries where article_id = ? order by first_seen",
            [article_id],
        )
        return [(row["source_id"], row["url"]) for row in rows]

    def article_counts(self, source_ids: Sequence[str] = ()) -> dict[str, int]:
        """How many articles each source brought (all sources when none are named)."""
        rows = self.db.query(
            "select source_id, count(distinct article_id) as n from entries group by source_id"
        )
        counts = {row["source_id"]: row["n"] for row in rows}
        return {key: counts.get(key, 0) for key in source_ids} if source_ids else counts
