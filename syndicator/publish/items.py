"""One stored article turned into the values every output format shares.

The item id, link and dates come from what the store keeps, never from the clock, so
an unchanged article gives the same item on every run. Republished copies carry a
visible credit line; readers do not show RSS `<source>` or Atom `via` links.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from ..models import Appearance, PublishMode, Source, StoredArticle
from ..urls import identity_key, registered_host, strip_tracking
from .hygiene import clean_text, excerpt, feed_html, plain_text

# Article ids are hex digests; readers want an IRI, so each id maps to a name-based
# UUID in a namespace of our own: same article id, same item id, for ever.
ITEM_ID_NAMESPACE = uuid.UUID("5d0c1b6e-3f0a-5c9e-9f53-6b1c9a1f0d42")


def item_id(article_id: str) -> str:
    """The id an article carries in every feed (`urn:uuid:`, stable per article id)."""
    return f"urn:uuid:{uuid.uuid5(ITEM_ID_NAMESPACE, article_id)}"


@dataclass(frozen=True, slots=True)
class Credit:
    """Where a republished article first appeared."""

    url: str
    publisher: str


@dataclass(frozen=True, slots=True)
class FeedItem:
    """An article as every format publishes it: plain-text title, safe HTML, UTC dates."""

    id: str
    article_id: str
    story_id: str
    link: str
    title: str
    author: str
    published: datetime
    updated: datetime
    source_id: str
    source_name: str
    mode: PublishMode
    summary_text: str
    summary_html: str
    content_html: str | None
    tags: tuple[str, ...] = ()
    image: str | None = None
    language: str | None = None
    original: Credit | None = None
    appearances: tuple[Appearance, ...] = ()


def prepare_item(stored: StoredArticle, source: Source | None, *, summary_chars: int) -> FeedItem:
    """The shared publishable form of one stored article.

    `source` is None when the article's source left the configuration; such items are
    published in summary form, the cautious choice for content we no longer vouch for.
    """
    article = stored.article
    link = strip_tracking(article.url)
    mode: PublishMode = source.publish if source is not None else "summary"
    source_name = plain_text(source.name) if source is not None else stored.source_id
    original = _credit(article.original_url, article.original_publisher, link)
    appearances = tuple(
        Appearance(app.source_id, plain_text(app.source_name) or app.source_id, app.url)
        for app in stored.appearances
        if _is_web_url(app.url) and identity_key(app.url) != identity_key(link)
    )
    summary_text = excerpt(plain_text(article.summary or article.content_text), summary_chars)
    credit = credit_html(original, appearances)
    summary_html = (f"<p>{escape(summary_text)}</p>" if summary_text else "") + credit
    content_html = None
    if mode == "full":
        body = feed_html(article.content_html, article.url)
        content_html = (body + credit) if body else None
    title = plain_text(article.title) or summary_text[:80] or "Untitled"
    published = _utc(stored.date)
    author = plain_text(article.author or "") or (original.publisher if original else "")
    return FeedItem(
        id=item_id(article.id),
        article_id=article.id,
        story_id=stored.story_id,
        link=link,
        title=title,
        author=author or source_name,
        published=published,
        updated=max(_utc(stored.changed_at), published),
        source_id=stored.source_id,
        source_name=source_name,
        mode=mode,
        summary_text=summary_text,
        summary_html=summary_html,
        content_html=content_html,
        tags=tuple(dict.fromkeys(clean_text(tag) for tag in article.tags if tag.strip())),
        image=article.image if article.image and _is_web_url(article.image) else None,
        language=article.language,
        original=original,
        appearances=appearances,
    )


def _credit(original_url: str | None, publisher: str | None, link: str) -> Credit | None:
    """A credit only for a real republication: an original that is not this page."""
    if not original_url or not _is_web_url(original_url):
        return None
    if identity_key(original_url) == identity_key(link):
        return None
    name = plain_text(publisher or "") or registered_host(original_url)
    return Credit(strip_tracking(original_url), name)


def credit_html(original: Credit | None, appearances: tuple[Appearance, ...]) -> str:
    """The visible credit lines: where the story first appeared and where else it ran."""
    lines = []
    if original is not None:
        lines.append(
            f"<p><em>Originally published by {escape(original.publisher)}: "
            f'<a href="{escape(original.url)}">{escape(original.url)}</a></em></p>'
        )
    if appearances:
        places = ", ".join(
            f'<a href="{escape(app.url)}">{escape(app.source_name)}</a>' for app in appearances
        )
        lines.append(f"<p><em>Also published by {places}.</em></p>")
    return "".join(lines)


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _utc(moment: datetime) -> datetime:
    """UTC to the second: feeds show no more, and equal inputs must give equal bytes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
