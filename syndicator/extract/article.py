"""`extract_article`: one fetched page in, one clean, attributed `Article` out.

parse (lxml) -> metadata and page signals -> site rules, else the generic cascade ->
prune ads/boilerplate inside the body -> trim the repeated headline and byline ->
attribution (removes the credit line) -> clean (lazy images, absolute URLs, trackers)
-> sanitize (LAST) -> plain text, summary, hash.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.html import HtmlElement

from .. import clean
from ..attribution import find_attribution
from ..models import Article, Attribution, PageSignals, SiteRules
from ..urls import absolutize, same_site, stable_id, strip_tracking
from . import boilerplate, fallback
from .chunks import gather_chunks
from .dates import parse_date
from .document import parse, prepare
from .fields import clean_author, clean_authors, clean_title
from .generic import choose_container, find_headline, strip_furniture
from .measure import BlockStats
from .metadata import BYLINE_TEXT, PageMeta, read_metadata
from .prune import drop_date_stamps, drop_empty, normalized_text, paragraphs_from_breaks, prune

# Fewer characters than this in the body and we call the extraction partial.
MIN_TEXT_CHARS = 1
# A body this short that ends in an ellipsis is a teaser of a longer story.
TEASER_CHARS = 600
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*$")
# Captions longer than this are not captions but containers that happen to say so.
CAPTION_MAX_CHARS = 600
# How many elements after the body may hold the credit line of a republished story.
CREDIT_SIBLINGS = 3
# Blocks at the top of a body this long or shorter may be the headline or byline again.
HEAD_BLOCK_CHARS = 160
# Wrappers (holding the head and the story) looked inside before giving up.
HEAD_WRAPPERS = 8
_HEAD_BLOCK_TAGS = ("h1", "h2", "h3", "p", "div", "span", "time", "header", "address", "li")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


@dataclass(frozen=True, slots=True)
class Body:
    element: HtmlElement
    method: str
    stats: dict[HtmlElement, BlockStats] | None = None
    # Where subscription prompts stood before furniture stripping removed them.
    paywall_prompts: tuple[HtmlElement, ...] = ()
    page_prose: int = 0


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    rules: SiteRules | None = None,
    publisher_hint: str | None = None,
) -> Article:
    """Extract, clean, attribute and sanitize the article in `html`; never raises on bad input."""
    try:
        return _extract(html, url, rules, publisher_hint)
    except (etree.LxmlError, ValueError, TypeError, RecursionError) as exc:
        # lxml and the standard library can still choke on pathological markup; the
        # pipeline gets a partial article that says why instead of a crashed worker.
        reason = f"extraction failed: {type(exc).__name__}: {exc}"[:300]
        return _empty_article(url, reason)


def _empty_article(url: str | None, reason: str) -> Article:
    return Article(
        id=stable_id(url=clean.usable_url(url), guid=url or None, title="", published=None),
        url=url or "",
        title="",
        content_html="",
        content_text="",
        is_partial=True,
        partial_reason=reason,
        extracted_by="none",
    )


def _extract(
    html: str | bytes, url: str | None, rules: SiteRules | None, publisher_hint: str | None
) -> Article:
    page = parse(html)
    root = page.root
    page_url = clean.usable_url(url)
    meta = read_metadata(root, page_url)  # JSON-LD scripts and all, before `prepare`
    info = prepare(root)
    canonical = _usable_canonical(meta.canonical_url, page_url)
    base_url = page_url or canonical or meta.og_url
    title = clean_title(meta.title, site_name=meta.site_name, url=base_url, h1=meta.h1)
    body = _find_body(root, rules, title)
    pruned = prune(body.element, body.stats)
    paywalled = pruned.paywall or _near(body.paywall_prompts, body.element)
    body = _second_look(html, body)
    paragraphs_from_breaks(body.element)
    head = _trim_head(body.element, title)
    drop_date_stamps(body.element)  # after the head gave up its date line
    clean.drop_unusable_links(body.element)
    signals = PageSignals(
        url=base_url,
        canonical_url=canonical,
        og_url=meta.og_url,
        site_name=meta.site_name,
        publisher=meta.publisher,
    )
    attribution = find_attribution(body.element, signals, publisher_hint=publisher_hint)
    if attribution is None or attribution.evidence != "credit-line":
        attribution = _credit_after(body.element, signals) or attribution
    clean.resolve_lazy_images(body.element)
    clean.absolutize_links(body.element, base_url)
    clean.remove_trackers(body.element)
    drop_empty(body.element)
    content_html = _compact(clean.sanitize(lxml.html.tostring(body.element, encoding="unicode")))
    content_text = clean.html_to_text(body.element, skip=is_caption)
    images = _images(content_html)
    # A key/value block's "Date Posted" ranks below the page's machine-readable and
    # marked-up dates, above a date line at the top of the body.
    published = meta.published or info.published or head.date
    partial_reason = _partial_reason(content_text, page.problem, paywalled, meta)
    # A canonical on another site names the original, not this copy: taking it as the id
    # would let any page overwrite the article it claims to be.
    own_canonical = (
        canonical if canonical and (not page_url or same_site(canonical, page_url)) else None
    )
    return Article(
        id=stable_id(url=own_canonical or base_url, guid=None, title=title, published=published),
        url=url or canonical or meta.og_url or "",
        title=title,
        content_html=content_html,
        content_text=content_text,
        canonical_url=canonical,
        original_url=strip_tracking(attribution.original_url) if attribution else None,
        original_publisher=attribution.original_publisher if attribution else None,
        author=clean_authors(meta.authors)
        or clean_author(meta.byline)
        or clean_author(head.byline),
        published=published,
        updated=meta.updated,
        summary=clean.summarize(content_text) or clean.summarize(meta.description or ""),
        image=meta.image or (images[0] if images else None),
        images=images,
        language=meta.language,
        content_hash=_content_hash(content_text),
        extracted_by=body.method,
        is_partial=partial_reason is not None,
        partial_reason=partial_reason,
    )


_BETWEEN_TAGS = re.compile(r">\s+<")


def _compact(html: str) -> str:
    """Source indentation between tags folded to one newline (HTML renders it the same)."""
    return html.strip() if "<pre" in html else _BETWEEN_TAGS.sub(">\n<", html).strip()


def _usable_canonical(canonical: str | None, url: str | None) -> str | None:
    """The canonical URL, unless it is a site's front page claimed by an article page."""
    if not canonical:
        return None
    path = canonical.split("://", 1)[-1].partition("/")[2].split("?")[0].strip("/")
    page_path = (url or "").split("://", 1)[-1].partition("/")[2].split("?")[0].strip("/")
    if not path and page_path:
        return None
    return canonical


def _find_body(root: HtmlElement, rules: SiteRules | None, title: str) -> Body:
    body = root.find("body")
    assert body is not None  # document.parse guarantees one
    note = ""
    if rules is not None:
        try:
            for selector in rules.remove_selectors:
                for el in root.cssselect(selector):
                    if el.getparent() is not None:
                        el.drop_tree()
            if rules.content_selector:
                found = root.cssselect(rules.content_selector)
                if found:
                    chosen = _merge(found)
                    stripped = strip_furniture(root, scope=chosen)  # shares, ads, hidden
                    return Body(chosen, "site-rules", None, stripped.paywall_prompts)
                note = "+site-rules-missed"
        except SelectorError:
            note = "+site-rules-invalid"
    headline = find_headline(body, title)
    stripped = strip_furniture(root)
    choice = choose_container(body, headline, stripped)
    element = gather_chunks(choice.element, choice.stats)
    method = f"generic:{choice.method}{'+chunks' if element is not choice.element else ''}{note}"
    return Body(element, method, choice.stats, stripped.paywall_prompts, stripped.page_prose)


def _second_look(html: str | bytes, body: Body) -> Body:
    """The safety net (see `fallback`): a looser pass when the first body is suspect."""
    first = fallback.measure_text(body.element)
    reason = fallback.suspect(first, body.page_prose)
    if reason is None:
        return body
    loose = fallback.loose_body(html)
    if loose is None or not fallback.prefer_loose(first, fallback.measure_text(loose)):
        return body
    return Body(loose, f"{body.method}+fallback:{reason}")


def _credit_after(container: HtmlElement, signals: PageSignals) -> Attribution | None:
    """A credit line ("To read original article…") just after the body, outside it.

    Searched in a copy of the few elements that follow the body: they are not part
    of the article, so nothing there needs removing.
    """
    following = [el for el in container.itersiblings() if isinstance(el.tag, str)]
    if not following:
        return None
    scope = lxml.html.Element("div")
    for el in following[:CREDIT_SIBLINGS]:
        scope.append(copy.deepcopy(el))
    found = find_attribution(scope, signals)
    return found if found is not None and found.evidence == "credit-line" else None


def _near(parents: tuple[HtmlElement, ...], container: HtmlElement) -> bool:
    """True if a prompt stood inside the body or right beside it."""
    beside = container.getparent()
    return any(
        parent is container or parent is beside or container in parent.iterancestors()
        for parent in parents
    )


def _merge(found: list[HtmlElement]) -> HtmlElement:
    """One element holding every match of a site rule, outermost matches only."""
    outermost = [el for el in found if not any(a in found for a in el.iterancestors())]
    if len(outermost) == 1:
        return outermost[0]
    wrapper = lxml.html.Element("div")
    for el in outermost:
        wrapper.append(el)  # moves it: the page tree is ours to consume
    return wrapper


@dataclass(frozen=True, slots=True)
class HeadLines:
    """The byline and dateline found (and removed) at the top of the body."""

    byline: str | None = None
    dateline: str | None = None

    @property
    def date(self) -> datetime | None:
        return parse_date(self.byline) or parse_date(self.dateline)


def _trim_head(container: HtmlElement, title: str) -> HeadLines:
    """Drop the headline, byline and dateline repeated at the top of the body."""
    byline = dateline = None
    wanted_title = title.casefold()
    seen = wrappers = 0
    for el in list(container.iter(*_HEAD_BLOCK_TAGS)):
        if el.getparent() is None or el is container:
            continue
        text = normalized_text(el)
        if not text:
            continue
        if len(text) > HEAD_BLOCK_CHARS:
            wrappers += 1
            if _leaf_block(el) or wrappers > HEAD_WRAPPERS:
                break  # the story's first paragraph: the head is behind us
            continue  # a wrapper of the head and the story: look inside it
        seen += 1
        if seen > 6:
            break
        folded = text.casefold()
        rest = folded[len(wanted_title) :].strip() if wanted_title else folded
        if (
            wanted_title
            and folded.startswith(wanted_title)
            and (not rest or rest.startswith("by ") or parse_date(rest) is not None)
        ):
            if rest.startswith("by "):
                byline = byline or text[len(title) :].strip()
            el.drop_tree()  # the headline, maybe with its byline or date on the next line
        elif BYLINE_TEXT.match(text) and len(text) < 100:
            byline = byline or text
            el.drop_tree()
        elif parse_date(text) is not None and not _SENTENCE_END.search(text) and _leaf_block(el):
            dateline = dateline or text
            el.drop_tree()  # a dateline ("Nov 18, 2019 at 9:24 pm ET • 2 min read")
    return HeadLines(byline, dateline)


def _leaf_block(el: HtmlElement) -> bool:
    return next(el.iterdescendants("p", "div", "section", "ul", "ol", "table"), None) is None


def is_caption(el: HtmlElement) -> bool:
    """Captions, credits and figures: kept in the HTML, not part of the running text."""
    if el.tag == "figcaption":
        return True
    if el.tag == "figure":
        return next(el.iter("table", "pre"), None) is None
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip() or boilerplate.CAPTION_CLASS.search(names) is None:
        return False
    # A caption is short, a paragraph or two; anything more with such a class word is
    # a wrapper of the story.
    paragraphs = sum(1 for _ in islice(el.iterdescendants("p", "li", "h2", "h3"), 3))
    return paragraphs < 3 and len(el.text_content()) <= CAPTION_MAX_CHARS


def _images(content_html: str) -> tuple[str, ...]:
    if "<img" not in content_html:
        return ()
    fragment = lxml.html.fragment_fromstring(content_html, create_parent="div")
    seen: list[str] = []
    for img in fragment.iter("img"):
        src = absolutize(img.get("src"), None)
        if src and src not in seen:
            seen.append(src)
    return tuple(seen)


def _partial_reason(text: str, problem: str | None, paywall: bool, meta: PageMeta) -> str | None:
    if len(text) < MIN_TEXT_CHARS:
        return f"no article text found ({problem})" if problem else "no article text found"
    if paywall or meta.accessible_for_free is False:
        return "paywall: only the free part of the article is shown"
    if len(text) < TEASER_CHARS and _ELLIPSIS_END.search(text):
        return "truncated: the page shows only the start of the article"
    return None


def _content_hash(text: str) -> str:
    normalized = " ".join(text.split()).casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest() if normalized else ""
