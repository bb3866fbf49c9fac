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
at the top of this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

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

# --- rules (data) ---------------------------------------------------------------------

# Registered host (after alias folding, see urls.DOMAIN_ALIASES) -> publisher name.
# Subdomains inherit: home.army.mil is the U.S. Army.
KNOWN_PUBLISHERS: dict[str, str] = {
    "war.gov": "U.S. Department of Defense",
    "army.mil": "U.S. Army",
    "navy.mil": "U.S. Navy",
    "af.mil": "U.S. Air Force",
    "marines.mil": "U.S. Marine Corps",
    "spaceforce.mil": "U.S. Space Force",
    "uscg.mil": "U.S. Coast Guard",
    "nationalguard.mil": "National Guard",
    "dvidshub.net": "Defense Visual Information Distribution Service",
    "state.gov": "U.S. Department of State",
    "whitehouse.gov": "The White House",
    "darpa.mil": "DARPA",
    "dla.mil": "Defense Logistics Agency",
    "disa.mil": "Defense Information Systems Agency",
    "dtic.mil": "Defense Technical Information Center",
    "socom.mil": "U.S. Special Operations Command",
    "centcom.mil": "U.S. Central Command",
    "pacom.mil": "U.S. Indo-Pacific Command",
    "eucom.mil": "U.S. European Command",
    "africom.mil": "U.S. Africa Command",
    "northcom.mil": "U.S. Northern Command",
    "southcom.mil": "U.S. Southern Command",
    "spacecom.mil": "U.S. Space Command",
    "cybercom.mil": "U.S. Cyber Command",
    "transcom.mil": "U.S. Transportation Command",
    "stratcom.mil": "U.S. Strategic Command",
    "nato.int": "NATO",
    "gov.uk": "UK Government",
}

# Names a credit line uses for a known publisher -> its host, longest first so that
# "army news service" wins over "army". Matched as whole words, case-insensitively.
PUBLISHER_NAMES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "department of defense": "war.gov",
            "department of war": "war.gov",
            "defense department": "war.gov",
            "war department": "war.gov",
            "dod news": "war.gov",
            "dod": "war.gov",
            "defense.gov": "war.gov",
            "war.gov": "war.gov",
            "u.s. army": "army.mil",
            "us army": "army.mil",
            "army news service": "army.mil",
            "army.mil": "army.mil",
            "u.s. navy": "navy.mil",
            "us navy": "navy.mil",
            "navy.mil": "navy.mil",
            "u.s. air force": "af.mil",
            "us air force": "af.mil",
            "af.mil": "af.mil",
            "marine corps": "marines.mil",
            "marines.mil": "marines.mil",
            "space force": "spaceforce.mil",
            "spaceforce.mil": "spaceforce.mil",
            "coast guard": "uscg.mil",
            "national guard": "nationalguard.mil",
            "dvids": "dvidshub.net",
            "dvidshub": "dvidshub.net",
            "state department": "state.gov",
            "department of state": "state.gov",
            "white house": "whitehouse.gov",
            "nato": "nato.int",
        }.items(),
        key=lambda pair: -len(pair[0]),
    )
)

# Credit-line phrasings, matched on the text of a short block with leading decoration
# removed. Most are anchored at the start: "first published in 2023" inside a sentence
# is content, "First published in Breaking Defense" as a line of its own is a credit.
_CREDIT_PHRASES = (
    # anywhere in the block: these cannot be ordinary sentences of a story
    r"\bto read (?:the )?original (?:article|story|post|release|report)\b",
    r"\bthis (?:article|story|post|piece|report|content) (?:was |is |has been )?"
    r"(?:originally |first )?(?:published|appeared|posted|ran)\b",
    r"\b(?:republished|reprinted|reposted|syndicated) (?:here )?"
    r"(?:from|with permission|courtesy)\b",
    r"\bcross-?posted (?:from|with permission)\b",
    r"(?:^|[.|—–])\s*(?:originally|first) (?:published|appeared|posted|ran) (?:on|at|in|by)\b",
    # at the start of the block
    r"^(?:read|view|see|continue reading) (?:the )?(?:full|original|complete|entire|rest of the)"
    r"(?: original)? (?:article|story|post|release|report|text)\b",
    r"^(?:the )?(?:original|full) (?:article|story|release) (?:is )?(?:available )?"
    r"(?:at|on|here)\b",
    r"^(?:click|tap) here (?:to read|for) the (?:full|original|complete)\b",
    r"^(?:(?:article|story|text|content|republished|reprinted)\s+)?courtesy of\b",
    r"^(?:source|sources|via|credit|original source|article source|story source|from)\s*[:：]",
    r"^(?:fuente|quelle|fonte|bron|kaynak|źródło|zdroj|lähde|kilde|källa|forrás|πηγή"
    r"|источник|джерело|출처|出典|出处|来源|المصدر|מקור)\s*[:：]",
    r"^(?:publicado|publicada) originalmente\b|^originalmente publicad[oa]\b",
    r"^(?:publié|publiée|paru|parue) (?:initialement|à l'origine|originellement|d'abord)\b",
    r"^cet article a (?:été )?(?:initialement |d'abord |originellement )?(?:été )?publié\b",
    r"^(?:dieser )?(?:artikel|beitrag) (?:ist |wurde |erschien )?(?:zuerst|ursprünglich)\b",
    r"^(?:zuerst|ursprünglich) (?:erschienen|veröffentlicht)\b|^originalartikel\b",
    r"^(?:pubblicato|pubblicata) (?:originariamente|originalmente|per la prima volta)\b",
    r"^(?:articolo|artículo|article|artigo) original(?:e)?\b",
    r"^(?:впервые|первоначально) опубликован",
    r"^(?:оригинал|первоисточник) (?:статьи|материала)\b",
    r"^(?:기사 )?원문(?: 보기| 기사)?\b",
    r"^元記事|^原文",
)
CREDIT_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _CREDIT_PHRASES)

# Photo and media credits look like credit lines but credit a picture, not the story.
CAPTION_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\(?(?:u\.s\. \w+ |dod |file )?(?:photo|photograph|image|video|graphic|illustration"
        r"|footage|map|chart|infographic|audio)s?\b",
        r"\b(?:photo|image|video|graphic|illustration|footage)s? (?:by|courtesy|credit)\b",
    )
)

# Elements whose text may be a credit line, and ancestors that rule one out.
CREDIT_TAGS = (
    "p", "div", "section", "aside", "footer", "em", "strong", "span", "i", "b", "small",
    "li", "cite", "address", "h4", "h5", "h6", "a",
)  # fmt: skip
NOT_CREDIT_ANCESTORS = frozenset({"figure", "figcaption", "blockquote", "table", "caption", "q"})

# Links in a credit line to these sites are share buttons or profiles, not originals.
SOCIAL_SITES = frozenset(
    {
        "twitter.com", "x.com", "facebook.com", "instagram.com", "linkedin.com",
        "youtube.com", "youtu.be", "t.me", "telegram.me", "tiktok.com", "reddit.com",
        "pinterest.com", "whatsapp.com", "wa.me", "threads.net", "bsky.app",
        "mastodon.social", "flipboard.com", "vk.com", "addtoany.com", "sharethis.com",
        "t.co", "bit.ly", "ow.ly", "buff.ly", "dlvr.it", "feedburner.com",
    }
)  # fmt: skip

# --- evidence -------------------------------------------------------------------------

EVIDENCE_CREDIT = "credit-line"
EVIDENCE_CANONICAL = "canonical"
EVIDENCE_OG_URL = "og:url"
EVIDENCE_KNOWN_PUBLISHER = "known-publisher"
EVIDENCE_SOURCE_HINT = "source-hint"

# A credit line is short and sits at the top or the bottom of the body: a "Source:"
# caption in the middle of an article is part of the article.
CREDIT_MAX_CHARS = 300
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
    credits = [c for c in (_credit_in(block, page) for block in _credit_blocks(body)) if c]
    if not credits:
        return None
    best = max(credits, key=lambda c: c.score)  # max keeps the first of equal scores
    chosen = identity_key(best.url)
    for credit in credits:
        # The same credit often stands at the top and the bottom: remove every copy.
        if identity_key(credit.url) == chosen and credit.block.getparent() is not None:
            credit.block.drop_tree()  # keeps the text that follows the block (its tail)
    return Attribution(best.url, best.publisher, EVIDENCE_CREDIT)


def _credit_blocks(body: HtmlElement) -> list[HtmlElement]:
    """Short blocks at the edges of the body whose text reads as a credit line."""
    spans, total = _word_spans(body)
    found: list[HtmlElement] = []
    for block in body.iterdescendants(*CREDIT_TAGS):
        text = _text_of(block)
        if not text or len(text) > CREDIT_MAX_CHARS or not _is_credit(text):
            continue
        if any(_is_credit(_text_of(inner)) for inner in block.iterdescendants(*CREDIT_TAGS)):
            continue  # the credit sits in a smaller block inside; that one is handled
        if any(a.tag in NOT_CREDIT_ANCESTORS for a in block.iterancestors()):
            continue  # captions, quotes and tables cite things; they do not credit us
        start, end = spans.get(block, (0, total))
        if start > EDGE_WORDS_BEFORE and total - end > EDGE_WORDS_AFTER:
            continue
        # Take the widest element whose text is just the credit, so no empty shell stays.
        while (parent := block.getparent()) is not None and parent is not body:
            if _text_of(parent) != text:
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
