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


# Optional fields dropped whole when over their limit (a cut link or name is wrong).
_ENTRY_DROPS = {
    "guid": MAX_GUID,
    "author": MAX_AUTHOR,
    "summary_html": MAX_FEED_HTML,
    "content_html": MAX_FEED_HTML,
    "image": MAX_URL,
}
_ARTICLE_DROPS = {
    "canonical_url": MAX_URL,
    "original_url": MAX_URL,
    "image": MAX_URL,
    "author": MAX_AUTHOR,
    "original_publisher": MAX_PUBLISHER,
    "language": MAX_LANGUAGE,
}


def cap_entry(entry: Entry) -> Capped[Entry]:
    """The entry within limits; `value` None when its link is too long to keep at all."""
    if len(entry.url) > MAX_URL:
        return Capped(None, (_too_long_link(entry.url),))
    changes, notes = _common(entry, _ENTRY_DROPS)
    if entry.summary_html and "summary_html" in changes:
        changes["summary_html"] = ""  # a string field: empty, not None
    return _capped(entry, changes, notes)


def cap_article(article: Article) -> Capped[Article]:
    """The article within limits; `value` None when its own link is too long to keep."""
    if len(article.url) > MAX_URL:
        return Capped(None, (_too_long_link(article.url),))
    changes, notes = _common(article, _ARTICLE_DROPS)
    if len(article.summary) > MAX_SUMMARY:
        changes["summary"] = cut_at_word(article.summary, MAX_SUMMARY)
    images = tuple(url for url in article.images if len(url) <= MAX_URL)[:MAX_IMAGES]
    if images != article.images:
        changes["images"] = images
    if len(article.content_html) > MAX_BODY_HTML:
        # Cutting HTML mid-tree would publish a broken body: keep the summary instead.
        changes.update(
            content_html="",
            content_text=article.summary,
            is_partial=True,
            partial_reason=f"body of {len(article.content_html):,} characters is over the limit",
        )
        notes.append(_dropped("body", article.content_html, MAX_BODY_HTML))
    return _capped(article, changes, notes)


def cut_at_word(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:.-–—") + "…"


V = TypeVar("V", Entry, Article)


def _common(value: Entry | Article, drops: dict[str, int]) -> tuple[dict[str, object], list[str]]:
    """What entries and articles share: oversized optional fields, title and tags."""
    changes: dict[str, object] = {}
    notes: list[str] = []
    for name, limit in drops.items():
        field_value = getattr(value, name)
        if field_value is not None and len(field_value) > limit:
            changes[name] = None
            notes.append(_dropped(name.replace("_html", "").replace("_", " "), field_value, limit))
    if len(value.title) > MAX_TITLE:
        changes["title"] = cut_at_word(value.title, MAX_TITLE)
        notes.append(f"title cut from {len(value.title):,} to {MAX_TITLE:,} characters")
    tags = _tags(value.tags)
    if tags != value.tags:
        changes["tags"] = tags
        notes.append(f"{len(value.tags) - len(tags)} oversized or surplus tag(s) dropped")
    return changes, notes


def _capped(value: V, changes: dict[str, object], notes: list[str]) -> Capped[V]:
    return Capped(replace(value, **changes) if changes else value, tuple(notes))  # type: ignore[arg-type]


def _too_long_link(url: str) -> str:
    return f"link of {len(url):,} characters (limit {MAX_URL:,})"


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tag for tag in tags if len(tag) <= MAX_TAG)[:MAX_TAGS]


def _dropped(what: str, value: str, limit: int) -> str:
    return f"{what} of {len(value):,} characters dropped (limit {limit:,})"
