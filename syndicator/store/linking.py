"""Story bookkeeping: which stored articles tell one story, and which copy we publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import stories
from ..models import Article
from .reading import Reading
from .rows import article_from_row, to_text


class StoryLinking(Reading):
    """Links a new article to the story it belongs to, and keeps each story's representative."""

    def _parsed_signature(self, article: Article, text: str) -> stories.StorySignature:
        """The signature computed off the event loop, or computed here when there is none."""
        if text:
            try:
                return stories.StorySignature.from_text(text)
            except ValueError:
                pass
        return stories.signature(article)

    def _index_story_keys(self, article_id: str, sig: stories.StorySignature) -> None:
        self.db.execute("delete from story_keys where article_id = ?", [article_id])
        self.db.conn.executemany(
            "insert or ignore into story_keys (key, article_id) values (?, ?)",
            [(key, article_id) for key in stories.lookup_keys(sig)],
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
            if stories.match(sig, self._stored_signature(row)):
                return str(row["story_id"])
        return None

    def _stored_signature(self, row: dict[str, Any]) -> stories.StorySignature:
        """A stored signature; one from an older matcher version is recomputed and saved."""
        try:
            return stories.StorySignature.from_text(row["signature"] or "")
        except ValueError:
            article = article_from_row(row)
            fresh = stories.signature(article)
            self.db.execute(
                "update articles set signature = ? where id = ?", [fresh.to_text(), article.id]
            )
            self._index_story_keys(article.id, fresh)
            return fresh

    def _refresh_story(
        self, story_id: str, now: datetime, *, new_member: str | None = None
    ) -> None:
        """Pick the copy to publish again, and date the story by it."""
        if new_member == story_id:  # a story of one: the article is its own representative
            self.db.execute(
                "insert into stories (id, representative_id, date, changed_at) "
                "select id, id, date, changed_at from articles where id = ?",
                [story_id],
            )
            return
        rows = list(
            self.db.query(
                "select * from articles where story_id = ? order by first_seen, id", [story_id]
            )
        )
        chosen = rows[stories.representative([article_from_row(row) for row in rows])]
        # A new copy changes what the story's item shows ("also published by"): bump it.
        self.db.execute(
            "insert into stories (id, representative_id, date, changed_at) values (?, ?, ?, ?) "
            "on conflict (id) do update set representative_id = excluded.representative_id, "
            "date = excluded.date, changed_at = excluded.changed_at",
            [story_id, chosen["id"], chosen["date"], to_text(now)],
        )
