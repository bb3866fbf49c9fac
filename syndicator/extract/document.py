"""Turn whatever a server sent (bytes in any charset, or text) into an lxml tree.

Never raises: garbage, empty and truncated input give an empty `<html><body>` tree,
and `ParsedPage.problem` says what was wrong (like feedparser's `bozo`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from lxml.html import HtmlElement

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters lxml refuses in text (controls, lone surrogates); NUL also truncates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels that browsers treat as another charset (WHATWG encoding standard).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """The parsed tree and what, if anything, was wrong with the input."""

    root: HtmlElement
    problem: str | None = None


def decode(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: BOM, then the declared charset, a `<meta charset>`, UTF-8, a guess."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    candidates = [declared] if declared else []
    match = _META_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for label in candidates:
        codec = _CHARSET_ALIASES.get(label.strip().lower(), label.strip())
        try:
            codecs.lookup(codec)
        except LookupError:
            continue
        if codec.lower().replace("-", "").replace("_", "") == "utf8":
            break  # a UTF-8 claim is checked strictly below
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    codec = best.encoding if best is not None else "cp1252"
    return data.decode(codec, errors="replace")


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
    return ParsedPage(root)


def _empty() -> HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")
