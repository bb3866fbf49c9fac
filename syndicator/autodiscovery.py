"""Which feeds a web page offers, and what to call a new source.

Pure: a page's HTML and URL in, candidate feed URLs out, best first; the caller
fetches each candidate and keeps the first that reads as a feed. Candidates come from
autodiscovery (`<link rel="alternate" type="application/rss+xml" href>`), then links
on the page that say "RSS" or "feed", then the places feeds usually live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from .urls import absolutize, identity_key, same_site

# Media types of feeds in autodiscovery links (JSON Feed's own and its older spelling).
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/xml",
        "text/xml",
    }
)
# Where feeds usually are when a page does not say (WordPress, Ghost, Hugo, Jekyll…).
COMMON_PATHS = ("feed/", "rss/", "feed.xml", "rss.xml", "atom.xml", "index.xml", "feed.json")
# Feeds a page advertises that are not its news: comments and per-post feeds.
_SECONDARY = re.compile(r"(?i)\bcomments?\b|/comments/|oembed")
_FEEDISH_LINK = re.compile(r"(?i)\b(?:rss|atom|feeds?|syndication)\b")
_MAX_PAGE_LINKS = 3


@dataclass(frozen=True, slots=True)
class FeedCandidate:
    """A URL that may be a feed, and why we think so."""

    url: str
    how: str  # "autodiscovery", "link on the page" or "usual place"
    title: str = ""


def feed_candidates(html: str | bytes, page_url: str) -> list[FeedCandidate]:
    """Every feed the page points to, best first, each URL once."""
    root = _parse(html)
    found: list[FeedCandidate] = []
    if root is not None:
        found += _advertised(root, page_url)
        found += _linked(root, page_url)
    origin = urljoin(page_url, "/")
    found += [FeedCandidate(urljoin(origin, path), "usual place") for path in COMMON_PATHS]
    seen: set[str] = {identity_key(page_url)}
    unique = []
    for candidate in found:
        key = identity_key(candidate.url)
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique


def page_title(html: str | bytes) -> str | None:
    """The page's `<title>`, whitespace folded (a name for a new source)."""
    root = _parse(html)
    title = root.findtext(".//title") if root is not None else None
    return " ".join(title.split()) or None if title else None


def suggest_id(name: str, url: str, taken: set[str]) -> str:
    """A free source id: a slug of the name (else of the host), numbered if taken."""
    words = re.findall(r"[a-z0-9]+", name.lower()) or re.findall(
        r"[a-z0-9]+", (urlsplit(url).hostname or "source").removeprefix("www.")
    )
    base = "-".join(words)[:40].strip("-") or "source"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _advertised(root: lxml.html.HtmlElement, page_url: str) -> list[FeedCandidate]:
    """`<link rel="alternate">` feeds, the page's own before comment feeds."""
    main: list[FeedCandidate] = []
    secondary: list[FeedCandidate] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        url = absolutize(link.get("href"), page_url)
        if "alternate" not in rels or kind not in FEED_TYPES or url is None:
            continue
        title = " ".join((link.get("title") or "").split())
        candidate = FeedCandidate(url, "autodiscovery", title)
        (secondary if _SECONDARY.search(f"{title} {url}") else main).append(candidate)
    return main + secondary


def _linked(root: lxml.html.HtmlElement, page_url: str) -> list[FeedCandidate]:
    """A few same-site links whose text or address says RSS, Atom or feed."""
    found = []
    for anchor in root.iter("a"):
        url = absolutize(anchor.get("href"), page_url)
        text = " ".join(anchor.text_content().split())
        if url is None or not same_site(url, page_url) or _SECONDARY.search(url):
            continue
        if _FEEDISH_LINK.search(text) or _FEEDISH_LINK.search(urlsplit(url).path):
            found.append(FeedCandidate(url, "link on the page", text))
            if len(found) == _MAX_PAGE_LINKS:
                break
    return found


def _parse(html: str | bytes) -> lxml.html.HtmlElement | None:
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    return root if isinstance(root.tag, str) else None
