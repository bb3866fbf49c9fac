"""Join what a feed entry says with what its page says, into one Article.

Pure. The page is usually richer (full text, author, lead image); the feed is usually
more reliable for the headline and the date, since editors set them there on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from . import stories
from .extract import extract_article
from .models import Article, Entry, SiteRules, Source

# Feed content is wrapped in this element so the regular cleaning chain (boilerplate
# rules, attribution, sanitizer) runs on it exactly as on a page.
_WRAPPER = SiteRules(content_selector="article#syndicator-entry")


def merge_entry(article: Article, entry: Entry, source: Source) -> Article:
    """The page's article, completed and corrected by its feed entry and its source."""
    if source.kind == "feed":
        title = entry.title or article.title
        published = entry.published or article.published
    else:  # an index page's link text is often "Read more"; the page knows better
        title = article.title or entry.title
        published = article.published or entry.published
    updates = [d for d in (article.updated, entry.updated) if d is not None]
    return replace(
        article,
        title=title,
        published=published,
        updated=max(updates) if updates else None,
        author=article.author or entry.author,
        image=article.image or entry.image,
        tags=source.tags,
        source_id=source.id,
        entry_id=entry.entry_id,
    )


def article_from_entry(entry: Entry, source: Source, *, reason: str | None = None) -> Article:
    """An article made from the feed's own text: for feed-only sources, or as a fallback.

    With a `reason` (the page could not be had) the article is marked partial.
    """
    body = entry.content_html or entry.summary_html or ""
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(entry.title)}</title></head><body>"
        f"<article id='syndicator-entry'>{body}</article></body></html>"
    )
    article = extract_article(page, entry.url, rules=_WRAPPER, publisher_hint=source.publisher)
    article = replace(article, extracted_by="feed")
    if reason:
        article = replace(article, is_partial=True, partial_reason=reason)
    return merge_entry(article, entry, source)


def extract_for(text: str, url: str, source: Source | None) -> Article:
    """A page extracted as `source`'s pages are: its site rules, its publisher as the hint
    (no source: the generic extractor alone)."""
    if source is None:
        return extract_article(text, url)
    rules = SiteRules(source.content_selector, source.remove_selectors)
    return extract_article(text, url, rules=rules, publisher_hint=source.publisher)


def prepare_page(text: str, url: str, source: Source, entry: Entry) -> tuple[Article, str]:
    """Extract a fetched page, complete it from its entry and sign it for story matching.

    The CPU-heavy part of a pass, so the pipeline runs it in worker processes; it takes
    and returns plain values (picklable), and never raises for a bad page.
    """
    article = merge_entry(extract_for(text, url, source), entry, source)
    return article, stories.signature(article).to_text()
