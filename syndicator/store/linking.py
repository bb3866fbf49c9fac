"""Story bookkeeping: which stored articles tell one story, and which copy we publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import stories
from ..models import Article
from .reading import Reading
from .rows import article_from_row, later_than, to_text

# Candidates tried per new article, those sharing most lookup keys first: beyond a few
# dozen, a true match is all but certain to have ranked higher.
_CANDIDATES = 50
_CACHE_SIZE = 20_000


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

    # Parsed signatures by article id: a pass compares each new article with the same
    # recent ones again and again, and parsing costs more than comparing.
    _signature_cache: dict[str, stories.StorySignature]

    def _remember_signature(
        self,
        article_id: str,
        story_id: str,
        first_seen: str,
        sig: stories.StorySignature,
        keys: tuple[str, ...] | None = None,
    ) -> None:
        """Store an article's signature and index its lookup keys."""
        self.db.execute(
            "insert into story_signatures (article_id, story_id, first_seen, signature) "
            "values (?, ?, ?, ?) on conflict (article_id) do update set "
            "signature = excluded.signature",
            [article_id, story_id, first_seen, sig.to_text()],
        )
        self.db.execute("delete from story_keys where article_id = ?", [article_id])
        self.db.conn.executemany(
            "insert or ignore into story_keys (key, article_id) values (?, ?)",
            [(key, article_id) for key in (keys or stories.lookup_keys(sig))],
        )
        if len(self._signature_cache) > _CACHE_SIZE:
            self._signature_cache.clear()
        self._signature_cache[article_id] = sig

    def _find_story(self, sig: stories.StorySignature, keys: tuple[str, ...]) -> str | None:
        """The story of the stored article the matcher says is the same story.

        Candidates share lookup keys; those sharing the most, then the newest, are tried
        first, so templated releases that share many keys cannot crowd out a true match.
        """
        if not keys:
            return None
        marks = ",".join("?" * len(keys))
        rows = self.db.query(
            "select s.article_id, s.story_id, s.signature, count(*) as shared "  # noqa: S608
            "from story_keys k join story_signatures s on s.article_id = k.article_id "
            f"where k.key in ({marks}) group by s.article_id "
            f"order by shared desc, s.first_seen desc, s.article_id limit {_CANDIDATES}",
            list(keys),
        )
        for row in rows:
            if stories.match(sig, self._stored_signature(row)):
                return str(row["story_id"])
        return None

    def _stored_signature(self, row: dict[str, Any]) -> stories.StorySignature:
        """A stored signature; one from an older matcher version is recomputed and saved."""
        article_id = row["article_id"]
        if (cached := self._signature_cache.get(article_id)) is not None:
            return cached
        try:
            sig = stories.StorySignature.from_text(row["signature"] or "")
        except ValueError:
            stored = self._get("articles", id=article_id)
            assert stored is not None
            sig = stories.signature(article_from_row(stored))
            self._remember_signature(article_id, row["story_id"], stored["first_seen"], sig)
        self._signature_cache[article_id] = sig
        return sig

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
        # A new copy changes what the story's item shows ("also published by"): bump it,
        # strictly later than its last change (see `later_than`).
        story = self._get("stories", id=story_id)
        changed = later_than(story["changed_at"] if story else None, now)
        self.db.execute(
            "insert into stories (id, representative_id, date, changed_at) values (?, ?, ?, ?) "
            "on conflict (id) do update set representative_id = excluded.representative_id, "
            "date = excluded.date, changed_at = excluded.changed_at",
            [story_id, chosen["id"], chosen["date"], to_text(changed)],
        )
