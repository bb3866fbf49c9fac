"""Key/value metadata blocks: facts about the story, never part of it.

Military and agency sites print a block like DVIDS's "NEWS INFO" beside or under the
story (`Date Taken: 11.03.2024`, `Date Posted: 11.04.2024 21:37`, `Story ID: 482113`,
`Location: …`, `Web Views: 1,204`, `Downloads: 3`, `PUBLIC DOMAIN`). Read as article
text it ends every item with a table of counters; read as metadata it is the most
precise publication time the page states. `read_info_blocks` finds such blocks by the
keys they hold (data below), returns the posted date and the elements, and the
extractor removes them before it looks for the body (after scripts and styles are
gone, so the text searched is the text a reader sees).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from .dates import parse_date

# Keys of metadata blocks (lower case, without the colon). A block names at least
# `MIN_KEYS` of them; a story paragraph that says "Location: the harbour" does not.
INFO_KEYS = frozenset(
    {
        "date taken", "date posted", "date published", "date modified", "story id",
        "photo id", "image id", "video id", "virin", "location", "web views", "views",
        "downloads", "hometown", "podcast hits", "resolution", "size", "length",
        "release number", "release no", "photographer", "unit", "category",
    }
)  # fmt: skip
MIN_KEYS = 3
# ...and at least one of these, which only metadata blocks use (a specification
# table in a story may well say "Length:", "Size:" and "Location:").
BLOCK_KEYS = frozenset(
    {"date taken", "date posted", "story id", "photo id", "image id", "video id", "virin",
     "web views", "downloads", "podcast hits", "release number", "release no"}
)  # fmt: skip
# Keys whose value is the publication time, strongest first, and the order of the
# numbers in their dotted or slashed dates ("11.04.2024" is 4 November on DVIDS).
DATE_KEYS: tuple[tuple[str, str], ...] = (
    ("date posted", "month-first"),
    ("date published", "month-first"),
)
# Larger than this (characters) and the element is a page holding a block, not one.
MAX_BLOCK_CHARS = 1200
BLOCK_TAGS = ("div", "dl", "ul", "table", "section", "aside", "p", "tbody")

# A line (or a "|"- or wide-space-separated cell) that starts with a key and a colon.
_CELL_SPLIT = re.compile(r"\n|\||\s{3,}")
_KEY = re.compile(r"([a-z][a-z ]{1,24}?)\s*:")
_NUMERIC_DATE = re.compile(
    r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*(?:,|at)?\s*(\d{1,2}):(\d{2}))?"
)


@dataclass(frozen=True, slots=True)
class InfoBlocks:
    """The metadata blocks of a page and the publication time they state."""

    elements: tuple[HtmlElement, ...] = ()
    published: datetime | None = None


def _lines(el: HtmlElement) -> str:
    """The element's text with a newline at every block or break boundary."""
    parts: list[str] = []
    for node in el.iter():
        if isinstance(node.tag, str) and node.tag not in ("a", "span", "b", "strong", "em", "i"):
            parts.append("\n")
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def _keys(text: str) -> set[str]:
    found = set()
    for cell in _CELL_SPLIT.split(text.lower()):
        match = _KEY.match(cell.strip())
        if match:
            found.add(match.group(1).strip())
    return found & INFO_KEYS


def read_info_blocks(root: HtmlElement) -> InfoBlocks:
    """The innermost elements that read as key/value metadata, and their posted date."""
    body = root.find("body")
    scope = body if body is not None else root
    text = scope.text_content().lower()
    if not any(f"{key}:" in text for key in BLOCK_KEYS):
        return InfoBlocks()  # most pages: a few substring searches and done
    named = _keys(_lines(scope))
    if len(named) < MIN_KEYS or not named & BLOCK_KEYS:
        return InfoBlocks()
    found: list[HtmlElement] = []
    texts: list[str] = []
    for el in reversed(list(scope.iter(*BLOCK_TAGS))):
        text = el.text_content()
        if len(text) > MAX_BLOCK_CHARS or ":" not in text:
            continue
        if any(inner in found for inner in el.iterdescendants(*BLOCK_TAGS)):
            continue  # an inner element already is the block
        lines = _lines(el)
        keys = _keys(lines)
        if len(keys) >= MIN_KEYS and keys & BLOCK_KEYS:
            found.append(el)
            texts.append(lines)
    return InfoBlocks(tuple(found), _posted(texts))


def _posted(texts: list[str]) -> datetime | None:
    for key, order in DATE_KEYS:
        for text in texts:
            match = re.search(rf"(?i){key}\s*:\s*([^\n]{{4,60}})", text)
            if match:
                found = _dotted(match.group(1), order) or parse_date(match.group(1))
                if found is not None:
                    return found
    return None


def _dotted(value: str, order: str) -> datetime | None:
    match = _NUMERIC_DATE.search(value)
    if not match:
        return None
    first, second, year, hour, minute = match.groups()
    month, day = (first, second) if order == "month-first" else (second, first)
    clock = f"{int(hour or 0):02d}:{int(minute or 0):02d}"
    return parse_date(f"{year}-{int(month):02d}-{int(day):02d}T{clock}Z")
