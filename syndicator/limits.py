"""Size limits on the fields a hostile feed or page can bring, kept as data.

Pure. A field over its limit is dropped (or, for a title, cut at a word) and said so;
an entry whose link is over the limit is dropped whole, since its link is its identity.
Without these, one feed entry with a 2 MiB link would be stored and then repeated in
every feed, the index page and the OPML.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from .models import Article, Entry

# Characters, not bytes: every limit is far above any real value and far below harm.
MAX_URL = 8 * 1024  # browsers and servers refuse longer URLs anyway
MAX_GUID = 2 * 1024
MAX_TITLE = 1_000
MAX_AUTHOR = 300
MAX_PUBLISHER = 300
MAX_TAG = 100
MAX_TAGS = 32
MAX_LANGUAGE = 35  # the longest well-formed BCP 47 tags
MAX_SUMMARY = 4_000
MAX_FEED_HTML = 2 * 1024 * 1024  # an entry's own summary or content
MAX_BODY_HTML = 2 * 1024 * 1024  # an article's cleaned body
MAX_IMAGES = 200

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Capped(Generic[T]):
    """A value within the limits, and what had to go to get it there."""

    value: T | None
    notes: tuple[str, ...] = ()


def cap_entry(entry: Entry) -> Capped[Entry]:
    """The entry within limits; `value` None when its link is too long to keep at all."""
    if len(entry.url) > MAX_URL:
        return Capped(None, (f"link of {len(entry.url):,} characters (limit {MAX_URL:,})",))
    notes: list[str] = []
    changes: dict[str, object] = {}
    if entry.guid is not None and len(entry.guid) > MAX_GUID:
        changes["guid"] = None
        notes.append(_dropped("guid", entry.guid, MAX_GUID))
    if len(entry.title) > MAX_TITLE:
        changes["title"] = cut_at_word(entry.title, MAX_TITLE)
        notes.append(f"title cut from {len(entry.title):,} to {MAX_TITLE:,} characters")
    if entry.author is not None and len(entry.author) > MAX_AUTHOR:
        changes["author"] = None
        notes.append(_dropped("author", entry.author, MAX_AUTHOR))
    if len(entry.summary_html) > MAX_FEED_HTML:
        changes["summary_html"] = ""
        notes.append(_dropped("summary", entry.summary_html, MAX_FEED_HTML))
    if entry.content_html is not None and len(entry.content_html) > MAX_FEED_HTML:
        changes["content_html"] = None
        notes.append(_dropped("content", entry.content_html, MAX_FEED_HTML))
    if entry.image is not None and len(entry.image) > MAX_URL:
        changes["image"] = None
        notes.append(_dropped("image link", entry.image, MAX_URL))
    tags = _tags(entry.tags)
    if tags != entry.tags:
        changes["tags"] = tags
        notes.append(f"{len(entry.tags) - len(tags)} oversized or surplus tag(s) dropped")
    return Capped(replace(entry, **changes) if changes else entry, tuple(notes))  # type: ignore[arg-type]


def cap_article(article: Article) -> Capped[Article]:
    """The article within limits; `value` None when its own link is too long to keep."""
    if len(article.url) > MAX_URL:
        return Capped(None, (f"link of {len(article.url):,} characters (limit {MAX_URL:,})",))
    notes: list[str] = []
    changes: dict[str, object] = {}
    for name in ("canonical_url", "original_url", "image"):
        value = getattr(article, name)
        if value is not None and len(value) > MAX_URL:
            changes[name] = None
            notes.append(_dropped(name.replace("_", " "), value, MAX_URL))
    for name, limit in (
        ("author", MAX_AUTHOR),
        ("original_publisher", MAX_PUBLISHER),
        ("language", MAX_LANGUAGE),
    ):
        value = getattr(article, name)
        if value is not None and len(value) > limit:
            changes[name] = None
            notes.append(_dropped(name.replace("_", " "), value, limit))
    if len(article.title) > MAX_TITLE:
        changes["title"] = cut_at_word(article.title, MAX_TITLE)
        notes.append(f"title cut from {len(article.title):,} to {MAX_TITLE:,} characters")
    if len(article.summary) > MAX_SUMMARY:
        changes["summary"] = cut_at_word(article.summary, MAX_SUMMARY)
    images = tuple(url for url in article.images if len(url) <= MAX_URL)[:MAX_IMAGES]
    if images != article.images:
        changes["images"] = images
    tags = _tags(article.tags)
    if tags != article.tags:
        changes["tags"] = tags
    if len(article.content_html) > MAX_BODY_HTML:
        # Cutting HTML mid-tree would publish a broken body: keep the summary instead.
        changes.update(
            content_html="",
            content_text=article.summary,
            is_partial=True,
            partial_reason=f"body of {len(article.content_html):,} characters is over the limit",
        )
        notes.append(_dropped("body", article.content_html, MAX_BODY_HTML))
    return Capped(replace(article, **changes) if changes else article, tuple(notes))  # type: ignore[arg-type]


def cut_at_word(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip() + "…"


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tag for tag in tags if len(tag) <= MAX_TAG)[:MAX_TAGS]


def _dropped(what: str, value: str, limit: int) -> str:
    return f"{what} of {len(value):,} characters dropped (limit {limit:,})"
