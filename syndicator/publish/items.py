"""One stored article turned into the values every output format shares.

The item id, link and dates come from what the store keeps, never from the clock, so
an unchanged article gives the same item on every run. Republished copies carry a
visible credit line; readers do not show RSS `<source>` or Atom `via` links.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from ..models import Appearance, PublishMode, Source, StoredArticle
from ..urls import identity_key, registered_host, strip_tracking
from .hygiene import excerpt, feed_html, plain_text, web_url

# Article ids are hex digests; readers want an IRI, so each id maps to a name-based
# UUID in a namespace of our own: same article id, same item id, for ever.
ITEM_ID_NAMESPACE = uuid.UUID("5d0c1b6e-3f0a-5c9e-9f53-6b1c9a1f0d42")


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


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
    # False when the article gave no date: `published` is when we first saw it.
    dated: bool = True


def prepare_item(
    stored: StoredArticle, source: Source | None, *, summary_chars: int
) -> FeedItem | None:
    """The shared publishable form of one stored article; None without a usable link.

    `source` is None when the article's source left the configuration; such items are
    published in summary form, the cautious choice for content we no longer vouch for.
    """
    article = stored.article
    link = web_url(strip_tracking(article.url))
    if link is None:
        return None  # nothing for a reader to open; the fetcher never stores such URLs
    mode: PublishMode = source.publish if source is not None else "summary"
    source_name = plain_text(source.name if source is not None else stored.source_id)
    original = _credit(article.original_url, article.original_publisher, link)
    # Other places the story ran, less this page and the original already credited.
    named = {identity_key(link)} | ({identity_key(original.url)} if original else set())
    appearances = tuple(
        Appearance(app.source_id, plain_text(app.source_name) or app.source_id, url)
        for app in stored.appearances
        if (url := web_url(app.url)) is not None and identity_key(url) not in named
    )
    # Only the start of the text can reach the excerpt; a margin covers stripped markup.
    text = (article.summary or article.content_text)[: summary_chars * 4]
    summary_text = excerpt(plain_text(text), summary_chars)
    # Every item names who published it first (DESIGN §3), the original itself included:
    # readers do not show <source>, so the visible line is the credit subscribers see.
    publisher = article.original_publisher or (source.publisher if source else None)
    credit = credit_html(
        original or Credit(link, plain_text(publisher or "") or source_name), appearances
    )
    summary_html = (f"<p>{escape(summary_text, quote=False)}</p>" if summary_text else "") + credit
    content_html = None
    if mode == "full":
        body = feed_html(article.content_html, link)
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
        tags=tuple(dict.fromkeys(tag for tag in map(plain_text, article.tags) if tag)),
        image=web_url(article.image),
        language=_language_tag(article.language),
        original=original,
        appearances=appearances,
        dated=article.published is not None,
    )


def _credit(original_url: str | None, publisher: str | None, link: str) -> Credit | None:
    """A credit only for a real republication: an original that is not this page."""
    url = web_url(strip_tracking(original_url or ""))
    if url is None or identity_key(url) == identity_key(link):
        return None
    return Credit(url, plain_text(publisher or "") or registered_host(url))


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


def _language_tag(value: str | None) -> str | None:
    """A BCP 47-looking language tag, or None: the value comes from a hostile page."""
    if value and _LANGUAGE_TAG.fullmatch(value.strip()):
        return value.strip()
    return None


def _utc(moment: datetime) -> datetime:
    """UTC to the second: feeds show no more, and equal inputs must give equal bytes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
