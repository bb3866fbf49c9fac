"""Find the original source behind a republished article.

Pure: takes the extracted body (an lxml element, before sanitizing) and what the page
says about itself, returns an `Attribution` or None. Evidence, strongest first:

1. a credit line in the body ("To read original article please visit DoD website",
   "Originally published by", "Source:", "Fuente:" ...) with a link to another site, or
   naming a known publisher; the line is removed from the body, because we publish our
   own structured credit instead;
2. `rel=canonical`, then `og:url`, pointing at one story on another site;
3. the page itself lives on a known original publisher (a DoD story on war.gov);
4. the editor's `publisher:` hint for the source.

Every rule (publishers, their names, credit phrasings, captions, social sites) is data
in `attribution_rules.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from .attribution_rules import (
    CAPTION_PATTERNS,
    CREDIT_PATTERNS,
    CREDIT_TAGS,
    KNOWN_PUBLISHERS,
    NOT_CREDIT_ANCESTORS,
    PUBLISHER_NAMES,
    SOCIAL_SITES,
)
from .models import Attribution, PageSignals
from .urls import (
    absolutize,
    identity_key,
    looks_like_article,
    registered_host,
    same_site,
    site_of,
    strip_tracking,
    unwrap,
)

# --- evidence -------------------------------------------------------------------------

EVIDENCE_CREDIT = "credit-line"
EVIDENCE_CANONICAL = "canonical"
EVIDENCE_OG_URL = "og:url"
EVIDENCE_KNOWN_PUBLISHER = "known-publisher"
EVIDENCE_SOURCE_HINT = "source-hint"

# A credit line is short and sits at the top or the bottom of the body: a "Source:"
# caption in the middle of an article is part of the article.
CREDIT_MAX_CHARS = 300
CREDIT_MAX_WORDS = 80
EDGE_WORDS_BEFORE = 60
EDGE_WORDS_AFTER = 150
_MAX_HREF_CHARS = 2000
_BARE_URL = re.compile(r"https?://[^\s<>\"']+")
_LEADING_DECORATION = re.compile(r"^[\s*•·|>»«\[(—–-]+")


@dataclass(frozen=True, slots=True)
class _Credit:
    block: HtmlElement
    url: str
    publisher: str | None
    score: int


def publisher_for(url: str | None) -> str | None:
    """The publisher name of a URL on a known original publisher's site, else None."""
    if not url:
        return None
    host = registered_host(unwrap(url))
    while host:
        if host in KNOWN_PUBLISHERS:
            return KNOWN_PUBLISHERS[host]
        _, _, host = host.partition(".")
    return None


def find_attribution(
    body: HtmlElement, page: PageSignals, *, publisher_hint: str | None = None
) -> Attribution | None:
    """The original source of the article in `body`; removes an explicit credit line from it."""
    credit = _take_credit_line(body, page)
    if credit is not None:
        return credit
    cross_site = _cross_site_link(page)
    if cross_site is not None:
        return cross_site
    own = _own_url(page)
    if own and (publisher := publisher_for(own)):
        return Attribution(own, publisher, EVIDENCE_KNOWN_PUBLISHER)
    if own and publisher_hint:
        return Attribution(own, publisher_hint, EVIDENCE_SOURCE_HINT)
    return None


# --- credit lines ---------------------------------------------------------------------


def _take_credit_line(body: HtmlElement, page: PageSignals) -> Attribution | None:
    wrapped = _wrap_credit_lines(body)
    credits = [c for c in (_credit_in(block, page) for block in _credit_blocks(body)) if c]
    attribution = None
    if credits:
        best = max(credits, key=lambda c: c.score)  # max keeps the first of equal scores
        chosen = identity_key(best.url)
        for credit in credits:
            # The same credit often stands at the top and the bottom: remove every copy.
            if identity_key(credit.url) == chosen and credit.block.getparent() is not None:
                _remove(credit.block)
        attribution = Attribution(best.url, best.publisher, EVIDENCE_CREDIT)
    for line in wrapped:
        if line.getparent() is not None:
            line.drop_tag()  # a line we wrapped but did not take goes back as it was
    return attribution


def _wrap_credit_lines(body: HtmlElement) -> list[HtmlElement]:
    """Wrap credit lines that are only `<br>`-separated lines of a longer block in a
    `<span>` each, so they can be judged and removed like a block of their own."""
    wrapped = []
    for parent in [el for el in body.iter() if el.find("br") is not None]:
        line: list[HtmlElement] = []
        start: HtmlElement | None = None  # the <br> the line follows; None: parent start
        for child in [*parent, None]:
            if child is not None and child.tag != "br":
                line.append(child)
                continue
            lead = parent.text if start is None else start.tail
            pieces = [lead or "", *(c.text_content() + (c.tail or "") for c in line)]
            text = " ".join("".join(pieces).split())
            if text and len(text) <= CREDIT_MAX_CHARS and _is_credit(text):
                wrapped.append(_wrap(parent, start, line))
            start, line = child, []
    return wrapped


def _wrap(parent: HtmlElement, after: HtmlElement | None, line: list[HtmlElement]) -> HtmlElement:
    span = parent.makeelement("span", {})
    if after is None:
        span.text, parent.text = parent.text, None
        parent.insert(0, span)
    else:
        span.text, after.tail = after.tail, None
        after.addnext(span)
    for element in line:
        span.append(element)  # moves the element, with its tail, into the span
    return span


def _remove(block: HtmlElement) -> None:
    """Drop a credit block, and the `<br>`s it leaves dangling at the end of its parent."""
    parent = block.getparent()
    block.drop_tree()  # keeps the text that follows the block (its tail)
    while len(parent) and parent[-1].tag == "br" and not (parent[-1].tail or "").strip():
        parent[-1].drop_tree()


def _credit_blocks(body: HtmlElement) -> list[HtmlElement]:
    """Short blocks at the edges of the body whose text reads as a credit line.

    Word positions are counted once for the whole body, so long blocks are passed over
    without reading their text: a hostile page of deeply nested blocks stays linear.
    """
    spans, total = _word_spans(body)
    found: list[HtmlElement] = []
    for block in body.iterdescendants(*CREDIT_TAGS):
        start, end = spans.get(block, (0, total))
        if end - start > CREDIT_MAX_WORDS:
            continue
        if start > EDGE_WORDS_BEFORE and total - end > EDGE_WORDS_AFTER:
            continue
        text = _text_of(block)
        if not text or len(text) > CREDIT_MAX_CHARS or not _is_credit(text):
            continue
        if any(_is_credit(_text_of(inner)) for inner in block.iterdescendants(*CREDIT_TAGS)):
            continue  # the credit sits in a smaller block inside; that one is handled
        if any(a.tag in NOT_CREDIT_ANCESTORS for a in block.iterancestors()):
            continue  # captions, quotes and tables cite things; they do not credit us
        # Take the widest element whose text is just the credit, so no empty shell stays.
        while (parent := block.getparent()) is not None and parent is not body:
            if spans.get(parent) != (start, end) or _text_of(parent) != text:
                break
            block = parent
        found.append(block)
    return found


def _credit_in(block: HtmlElement, page: PageSignals) -> _Credit | None:
    """The credited URL and publisher of one credit block, or None if it credits nothing."""
    text = _text_of(block)
    named_host = _publisher_host_named_in(text)
    named = KNOWN_PUBLISHERS.get(named_host) if named_host else None
    best: _Credit | None = None
    for position, href in enumerate(_links_in(block)):
        link = _clean_link(href, page.url)
        if link is None or (page.url and same_site(link, page.url)) or _is_social(link):
            continue  # the republisher's own tag pages and share buttons credit nobody
        publisher = publisher_for(link)
        score = (
            4 * looks_like_article(link)
            + 2 * (publisher is not None)
            + (named_host is not None and same_site(link, "https://" + named_host))
        )
        link = _more_specific(link, page)
        candidate = _Credit(block, link, publisher or named, score * 100 - position)
        if best is None or candidate.score > best.score:
            best = candidate
    if best is None and named_host is not None:
        # "Source: U.S. Army" with no usable link: credit the publisher's site, or the
        # story on it when the page's canonical link says which one.
        home = f"https://www.{named_host}/"
        best = _Credit(block, _more_specific(home, page), named, 0)
    return best


def _links_in(block: HtmlElement) -> list[str]:
    hrefs = [a.get("href") or "" for a in block.iter("a")]
    hrefs += [m.group(0).rstrip(".,;:)]") for m in _BARE_URL.finditer(block.text_content())]
    return [href for href in hrefs if href and len(href) <= _MAX_HREF_CHARS]


def _more_specific(link: str, page: PageSignals) -> str:
    """A credit that links a publisher's home page, upgraded to its story from the page's
    own canonical or og:url when those point at that publisher."""
    if looks_like_article(link):
        return link
    for candidate in (page.canonical_url, page.og_url):
        story = _clean_link(candidate, page.url)
        if story and same_site(story, link) and looks_like_article(story):
            return story
    return link


def _is_credit(text: str) -> bool:
    text = _LEADING_DECORATION.sub("", text)
    if any(pattern.search(text) for pattern in CAPTION_PATTERNS):
        return False
    return any(pattern.search(text) for pattern in CREDIT_PATTERNS)


def _publisher_host_named_in(text: str) -> str | None:
    lowered = " ".join(text.lower().split())
    for name, host in PUBLISHER_NAMES:
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", lowered):
            return host
    return None


# --- page signals ---------------------------------------------------------------------


def _cross_site_link(page: PageSignals) -> Attribution | None:
    if not page.url:
        return None
    for evidence, raw in ((EVIDENCE_CANONICAL, page.canonical_url), (EVIDENCE_OG_URL, page.og_url)):
        link = _clean_link(raw, page.url)
        if link is None or same_site(link, page.url) or _is_social(link):
            continue
        if not looks_like_article(link):
            continue  # a canonical to another site's home page is a mistake, not a credit
        return Attribution(link, publisher_for(link) or _partner_name(page), evidence)
    return None


def _partner_name(page: PageSignals) -> str | None:
    """The publisher a syndicated page names, when it is not the page's own site name."""
    if not page.publisher:
        return None
    if page.site_name and page.site_name.casefold() == page.publisher.casefold():
        return None
    return page.publisher


def _own_url(page: PageSignals) -> str | None:
    """The page's own address: its canonical when that names one story on this site."""
    canonical = _clean_link(page.canonical_url, page.url)
    own = _clean_link(page.url, None)
    if canonical and looks_like_article(canonical) and (own is None or same_site(canonical, own)):
        return canonical
    return own or _clean_link(page.og_url, None)


def _clean_link(href: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL without wrappers and trackers, or None."""
    link = absolutize(href, base)
    if link is None or not link.lower().startswith(("http://", "https://")):
        return None
    return strip_tracking(unwrap(link))


def _is_social(url: str) -> bool:
    return site_of(url) in SOCIAL_SITES


# --- text helpers ---------------------------------------------------------------------


def _text_of(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _word_spans(body: HtmlElement) -> tuple[dict[HtmlElement, tuple[int, int]], int]:
    """Each element's (first word, end word) position within the body's text.

    Walks the tree iteratively (lxml's iterwalk), so hostile nesting cannot exhaust the
    Python stack.
    """
    spans: dict[HtmlElement, tuple[int, int]] = {}
    starts: dict[HtmlElement, int] = {}
    position = 0
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            starts[element] = position
            if isinstance(element.tag, str):
                position += len((element.text or "").split())
        else:
            spans[element] = (starts.pop(element), position)
            if element is not body:
                position += len((element.tail or "").split())
    return spans, position
