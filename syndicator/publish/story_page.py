"""Our ad-free copy of one story: a clean page that digests link to.

Only sanitized content: the article's HTML goes through the feeds' allowlist once more,
and nothing is loaded from other sites. Images and video stay with their publisher
(our pages are served with `img-src 'self'`, and loading them would tell a third party
who reads what): each becomes a link to the picture, named by its alt text. The page
names the original as canonical and asks search engines not to index our copy.
"""

from __future__ import annotations

import re
from html import escape

from lxml.html import HtmlElement, fragment_fromstring, tostring

from ..models import Source, StoredArticle
from .hygiene import feed_html, plain_text, web_url
from .items import prepare_item
from .page import _environment, display_date, iso_date

STORY_FOLDER = "articles"
STYLESHEET = "../digests/digest.css"
_STORY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_MEDIA = ("img", "video", "audio", "picture")


def story_page_path(story_id: str) -> str | None:
    """`articles/<story id>.html`, or None for an id that cannot be a file name."""
    return f"{STORY_FOLDER}/{story_id}.html" if _STORY_ID.fullmatch(story_id) else None


def render_story_page(
    stored: StoredArticle,
    source: Source | None,
    *,
    site_title: str,
    language: str,
    summary_chars: int,
) -> bytes | None:
    """The page's bytes; None when we publish only an excerpt of the story (or no link)."""
    item = prepare_item(stored, source, summary_chars=summary_chars)
    if item is None or item.mode != "full":
        return None
    body = _media_as_links(feed_html(stored.article.content_html, item.link))
    publisher = (
        item.original.publisher
        if item.original
        else plain_text(stored.article.original_publisher or "")
        or plain_text(source.publisher or "" if source else "")
        or item.source_name
    )
    html = (
        _environment()
        .get_template("story.html.j2")
        .render(
            item=item,
            body=body or f"<p>{escape(item.summary_text, quote=False)}</p>",
            author=plain_text(stored.article.author or ""),
            publisher=publisher,
            original_url=item.original.url if item.original else item.link,
            published=iso_date(item.published),
            shown_date=display_date(item.published),
            site_title=plain_text(site_title),
            language=item.language or language,
            stylesheet=STYLESHEET,
        )
    )
    return html.encode("utf-8")


def render_withdrawn_page(*, site_title: str, language: str) -> bytes:
    """What our copy of a hidden story becomes: a notice, without the story."""
    html = (
        _environment()
        .get_template("story-withdrawn.html.j2")
        .render(site_title=plain_text(site_title), language=language, stylesheet=STYLESHEET)
    )
    return html.encode("utf-8")


def _media_as_links(markup: str) -> str:
    """Replace images and video with links to them, so the page loads nothing remote."""
    if not any(f"<{tag}" in markup for tag in _MEDIA):
        return markup
    root = fragment_fromstring(markup, create_parent="div")
    outermost = [
        element
        for element in root.iter(*_MEDIA)
        if not any(ancestor.tag in _MEDIA for ancestor in element.iterancestors())
    ]
    for element in outermost:
        url = web_url(element.get("src") or element.get("poster") or _inner_source(element))
        if url is None:
            element.drop_tree()  # keeps the text that follows it
            continue
        label = plain_text(element.get("alt") or element.get("title") or "")
        kind = _KINDS.get(element.tag, "Image")
        link = root.makeelement("a", {"href": url, "rel": "noopener noreferrer"})
        link.text = f"[{kind}: {label}]" if label else f"[{kind}]"
        link.tail = element.tail
        element.getparent().replace(element, link)
    inner = "".join(tostring(child, encoding="unicode") for child in root)
    return escape(root.text or "", quote=False) + inner


_KINDS = {"video": "Video", "audio": "Audio"}


def _inner_source(element: HtmlElement) -> str | None:
    """The first `src` inside a picture or video (its <source> or <img>)."""
    for child in element.iter("source", "img"):
        if child is not element and child.get("src"):
            return str(child.get("src"))
    return None
