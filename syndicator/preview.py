"""What the cleaner kept of a page, what it removed and which rules did it.

Pure: the page as fetched, its extracted `Article` and the source's rules in, a
`Preview` out. "What was removed" is found outside the extractor, by comparing the
page's text blocks with the kept text, so the extractor needs no bookkeeping of its
own. Each removed block is explained by the site rule that dropped it when there is
one, else located by the nearest element with a class or id: the selector an editor
would write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

import lxml.html
import nh3
from cssselect import SelectorError
from lxml import etree
from lxml.html import HtmlElement

from .clean import ALLOWED_TAGS, DROP_WITH_CONTENT
from .models import Article, Source
from .urls import identity_key

# Elements whose text is one block; a block is the innermost of these holding text.
BLOCK_TAGS = frozenset(
    {
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th",
        "dd", "dt", "figcaption", "caption", "address", "div", "section", "article",
        "aside", "header", "footer", "nav", "main", "form", "figure", "ul", "ol", "table",
    }
)  # fmt: skip
_UNSEEN = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_SPACE = re.compile(r"\s+")
SAMPLE_CHARS = 90
# A block whose text pieces are mostly in the article was kept, trimmed (a caption that
# lost its "View original" button).
KEPT_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class RuleUse:
    """One site rule and what it matched on this page."""

    rule: str  # "content_selector" or "remove_selectors"
    selector: str
    matched: int  # elements on the page
    words: int  # words inside them


@dataclass(frozen=True, slots=True)
class Removal:
    """A block of the page's text that is not in the cleaned article."""

    text: str
    where: str  # the nearest element with a class or id, as a selector
    why: str


@dataclass(frozen=True, slots=True)
class Preview:
    """An article as the cleaner produced it, and how it got there."""

    url: str
    article: Article
    rules: tuple[RuleUse, ...]
    removed: tuple[Removal, ...]
    original_html: str  # the page's body, sanitized and inert, removed blocks marked

    @property
    def words(self) -> int:
        return len(self.article.content_text.split())


def make_preview(page: str, url: str, article: Article, source: Source | None) -> Preview:
    """Compare the page with the article extracted from it (with `source`'s rules)."""
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body></body></html>")
    for element in list(root.iter(*_UNSEEN)):
        element.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    rules, dropped_by, kept_scope = _rules(body, source)
    kept_text = _squeeze(" ".join((article.title, _html_text(article.content_html))))
    removed = []
    for block in _blocks(body):
        text = _text(block)
        if len(text) < 2 or _mostly_kept(block, kept_text):
            continue
        why = _why(block, text, article, dropped_by, kept_scope)
        removed.append(Removal(_short(text), _where(block), why))
        block.set("data-removed", why)
    return Preview(url, article, tuple(rules), tuple(removed), _inert(body))


def _rules(
    body: HtmlElement, source: Source | None
) -> tuple[list[RuleUse], dict[HtmlElement, str], set[HtmlElement] | None]:
    """Each site rule's matches; which elements a remove rule dropped; the chosen body."""
    uses: list[RuleUse] = []
    dropped_by: dict[HtmlElement, str] = {}
    scope: set[HtmlElement] | None = None
    if source is None:
        return uses, dropped_by, scope
    for selector in source.remove_selectors:
        found = _select(body, selector)
        uses.append(RuleUse("remove_selectors", selector, len(found), _words(found)))
        for element in found:
            dropped_by.setdefault(element, f"site rule remove_selectors: {selector}")
    if source.content_selector:
        found = _select(body, source.content_selector)
        uses.insert(
            0, RuleUse("content_selector", source.content_selector, len(found), _words(found))
        )
        scope = set(found) or None
    return uses, dropped_by, scope


def _why(
    block: HtmlElement,
    text: str,
    article: Article,
    dropped_by: dict[HtmlElement, str],
    scope: set[HtmlElement] | None,
) -> str:
    lineage = [block, *block.iterancestors()]
    for element in lineage:
        if element in dropped_by:
            return dropped_by[element]
    squeezed = _squeeze(text)
    if article.title and squeezed == _squeeze(article.title):
        return "the headline (shown as the title)"
    if article.author and _squeeze(article.author) in squeezed and len(text) < 120:
        return "the byline (shown as the author)"
    original = identity_key(article.original_url) if article.original_url else None
    if original and any(identity_key(a.get("href") or "") == original for a in block.iter("a")):
        return "the credit line (kept as the link to the original)"
    if scope is not None and not any(element in scope for element in lineage):
        return "outside the content_selector"
    return "not article text (ads, boilerplate or page furniture)"


def _blocks(body: HtmlElement) -> Iterator[HtmlElement]:
    """The innermost block elements that hold text, in document order."""
    for element in body.iter(*BLOCK_TAGS):
        if next(element.iterdescendants(*BLOCK_TAGS), None) is None:
            yield element


def _where(block: HtmlElement) -> str:
    for element in [block, *block.iterancestors()]:
        tag = str(element.tag)
        if element.get("id"):
            return f"{tag}#{element.get('id')}"
        classes = (element.get("class") or "").split()
        if classes:
            return tag + "".join(f".{name}" for name in classes[:3])
    return str(block.tag)


def _select(body: HtmlElement, selector: str) -> list[HtmlElement]:
    try:
        return list(body.cssselect(selector))
    except SelectorError:
        return []


def _words(elements: list[HtmlElement]) -> int:
    outermost = [e for e in elements if not any(a in elements for a in e.iterancestors())]
    return sum(len(element.text_content().split()) for element in outermost)


def _mostly_kept(block: HtmlElement, kept_text: str) -> bool:
    """Whether the block's text is in the article: whole, or most of its pieces."""
    if _squeeze(block.text_content()) in kept_text:
        return True
    pieces = [squeezed for piece in block.itertext() if (squeezed := _squeeze(piece))]
    total = sum(len(piece) for piece in pieces)
    kept = sum(len(piece) for piece in pieces if piece in kept_text)
    return total > 0 and kept >= KEPT_SHARE * total


def _text(element: HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _squeeze(text: str) -> str:
    """Text compared without spaces or case: inline markup moves spaces around."""
    return _SPACE.sub("", text).casefold()


def _short(text: str) -> str:
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1].rstrip() + "…"


def _html_text(html: str) -> str:
    if not html.strip():
        return ""
    return str(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


# --- the original page, inert ---------------------------------------------------------

_INERT = nh3.Cleaner(
    tags=set(ALLOWED_TAGS - {"img"}),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={"*": {"class", "title"}, "a": {"href"}},
    url_schemes={"http", "https"},
    strip_comments=True,
    link_rel="noopener noreferrer nofollow",
)


def _inert(body: HtmlElement) -> str:
    """The page's body with nothing that runs or loads: no scripts, styles, images,
    frames or forms; removed blocks carry class `removed` and the reason as a title."""
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        why = element.get("data-removed")
        for name in list(element.attrib):
            if name not in ("href", "alt"):
                del element.attrib[name]
        if why:
            element.set("class", "removed")
            element.set("title", why)
        if element.tag == "img":
            alt = element.get("alt") or "image"
            element.tag, element.text = "span", f"[{alt}]"
            element.attrib.clear()
            element.set("class", "image")
    return _INERT.clean(lxml.html.tostring(body, encoding="unicode"))


# --- showing a preview ----------------------------------------------------------------


def render_text(preview: Preview) -> str:
    """What an editor reads in a terminal: the facts, the rules, the removals, the text."""
    article = preview.article
    facts = [
        ("URL", preview.url),
        ("Author", article.author or "—"),
        ("Published", article.published.isoformat() if article.published else "—"),
        ("Original", _original(article) or "— (this page is the original)"),
        ("Words", str(preview.words)),
        ("Extracted by", article.extracted_by),
    ]
    if article.is_partial:
        facts.append(("Partial", article.partial_reason or "yes"))
    title = article.title or "(no title)"
    lines = [
        title,
        "=" * min(len(title), 79),
        *(f"{name + ':':<14}{value}" for name, value in facts),
    ]
    lines += ["", "Site rules:"]
    lines += [
        f"  {use.rule}: {use.selector}  matched {use.matched} element(s), {use.words} words"
        for use in preview.rules
    ] or ["  none (the generic extractor chose the body)"]
    lines += ["", f"Removed ({len(preview.removed)} blocks of text):"]
    for (why, where), texts in _grouped(preview.removed):
        shown = "; ".join(f'"{text}"' for text in texts[:2]) + (" …" if len(texts) > 2 else "")
        lines.append(f"  {len(texts):>3} × {why} [{where}]: {shown}")
    lines += ["", "Cleaned text:", "", article.content_text or "(none)"]
    return "\n".join(lines).rstrip() + "\n"


def render_side_by_side(preview: Preview) -> str:
    """A standalone page: the original (inert, removed blocks struck out) beside the
    cleaned article. A Content-Security-Policy forbids scripts and remote loads but the
    cleaned article's own images, which subscribers see too."""
    article = preview.article
    title = escape(article.title or "(no title)")
    facts = "".join(
        f"<li>{escape(text)}</li>"
        for text in (
            f"Extracted by {article.extracted_by}; {preview.words} words",
            f"Author: {article.author or '—'}",
            f"Original: {_original(article) or 'this page'}",
            *(f"{u.rule}: {u.selector} matched {u.matched}" for u in preview.rules),
            f"{len(preview.removed)} blocks removed (struck through on the left; hover for why)",
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src http: https: data:\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>Preview: {title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1>{title}</h1>\n<p><a href="{escape(preview.url)}">{escape(preview.url)}</a></p>\n'
        f'<ul class="facts">{facts}</ul>\n<div class="panes">\n'
        f"<section><h2>Original (inert)</h2>\n{preview.original_html}\n</section>\n"
        f"<section><h2>Cleaned</h2>\n<article>{article.content_html}</article>\n</section>\n"
        "</div>\n</body>\n</html>\n"
    )


_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:1rem 2rem}"
    ".panes{display:grid;grid-template-columns:1fr 1fr;gap:2rem}"
    "section{overflow-wrap:anywhere;border-top:3px solid #888}"
    ".removed{background:#fde2e2;text-decoration:line-through;color:#7a1c1c}"
    ".image{color:#666;font-style:italic}img{max-width:100%;height:auto}"
)


def _original(article: Article) -> str | None:
    if not article.original_url:
        return None
    return f"{article.original_publisher or 'unknown publisher'} <{article.original_url}>"


def _grouped(removed: tuple[Removal, ...]) -> list[tuple[tuple[str, str], list[str]]]:
    groups: dict[tuple[str, str], list[str]] = {}
    for removal in removed:
        groups.setdefault((removal.why, removal.where), []).append(removal.text)
    return list(groups.items())
