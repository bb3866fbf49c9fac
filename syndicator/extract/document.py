"""Turn whatever a server sent (bytes in any charset, or text) into an lxml tree.

Never raises: garbage, empty and truncated input give an empty `<html><body>` tree,
and `ParsedPage.problem` says what was wrong (like feedparser's `bozo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from .. import clean
from ..charset import detect_encoding
from .boilerplate import NEVER_CONTENT_TAGS
from .infoblocks import InfoBlocks, read_info_blocks

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Void in HTML5 but containers to libxml2's HTML parser: an `<embed src=…>` written
# without a close tag would hold everything after it up to its parent's end (and an
# extractor dropping embeds would drop that story text with it).
VOID_ELEMENTS = ("embed", "source", "track", "wbr", "keygen", "bgsound")
# Characters lxml refuses in text (controls, lone surrogates); NUL also truncates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """The parsed tree and what, if anything, was wrong with the input."""

    root: HtmlElement
    problem: str | None = None


def decode(data: bytes, declared: str | None = None) -> str:
    """Text from bytes, by the same evidence the fetcher weighs (see `syndicator.charset`)."""
    content_type = f"text/html; charset={declared}" if declared else None
    return data.decode(detect_encoding(data, content_type), errors="replace").lstrip("\ufeff")


def parse(html: str | bytes) -> ParsedPage:
    """An lxml tree with `<html>` and `<body>` for any input; comments are not kept."""
    text = decode(html) if isinstance(html, bytes) else html
    text = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        return ParsedPage(_empty(), "empty document")
    # huge_tree lifts libxml2's nesting limit of 255, past which a page with unclosed
    # tags would silently lose all of its text.
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, default_doctype=False, huge_tree=True
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        return ParsedPage(_empty(), f"unparseable document: {exc}")
    if not isinstance(root.tag, str) or root.tag != "html":
        wrapper = _empty()
        wrapper.find("body").append(root)
        root = wrapper
    if root.find("body") is None:
        root.append(lxml.html.Element("body"))
    empty_void_elements(root)
    return ParsedPage(root)


def empty_void_elements(root: HtmlElement) -> None:
    """Move what libxml2 nested inside void elements out after them, in order (in place)."""
    for el in list(root.iter(*VOID_ELEMENTS)):
        parent = el.getparent()
        if parent is None or (not len(el) and not el.text):
            continue
        children, tail = list(el), el.tail
        el.tail, el.text = el.text, None
        position = parent.index(el)
        for offset, child in enumerate(children, start=1):
            parent.insert(position + offset, child)  # moves it, with its tail
        last = children[-1] if children else el
        last.tail = (last.tail or "") + (tail or "") or None


def _empty() -> HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")


def drop(elements: Iterable[HtmlElement]) -> None:
    """Remove each element with its content (tails kept); already-removed ones are skipped."""
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()


def prepare(root: HtmlElement) -> InfoBlocks:
    """Reduce a parsed page to what a reader sees, in place, after metadata is read.

    `<noscript>` images are rescued, then scripts, styles, forms and the like go, then
    key/value metadata blocks are read (their posted date is returned) and removed.
    """
    clean.images_from_noscript(root)
    drop(root.iter(*NEVER_CONTENT_TAGS))
    info = read_info_blocks(root)
    drop(info.elements)
    return info
