"""Measure how much prose and how much noise every element of a page holds.

One bottom-up pass over the tree. A *block* is an element's own inline text (its
text, its inline children's text, its children's tails); a block is prose when it has
enough plain text, noise when most of it is link text (menus, link lists, teaser
cards). Every element is credited with the prose and debited with the noise of the
blocks it holds, however deeply nested, so containers can be compared by `score`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

# Inline elements: their text belongs to the enclosing block.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data",
        "del", "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s",
        "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
        "var", "wbr", "nobr",
    }
)  # fmt: skip
# Blocks that are paragraphs by nature; a short one still counts as prose.
PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "dd"})

# Prose thresholds, in characters of non-link text in one block.
MIN_PROSE_PARAGRAPH = 20
MIN_PROSE_BLOCK = 60
# A paragraph with this much plain text is prose however many links it has.
LINKED_PARAGRAPH_MIN = 80
# A block whose text is more than this share of link text is a link list.
LINK_LIST_DENSITY = 0.5
# How much one character of link-list or boilerplate text costs a container.
NOISE_WEIGHT = 1.5


@dataclass(slots=True)
class BlockStats:
    """What one element holds: prose and noise characters, in its whole subtree."""

    chars: int = 0  # all text in the subtree
    inline_chars: int = 0  # text of the element's own inline content
    inline_link_chars: int = 0
    prose: int = 0
    noise: int = 0
    paragraphs: int = 0

    @property
    def score(self) -> float:
        return self.prose - NOISE_WEIGHT * self.noise


def _length(text: str | None) -> int:
    return len(text.strip()) if text else 0


_INSIDE_LINKS = etree.XPath(".//a//*")


def measure(root: HtmlElement) -> dict[HtmlElement, BlockStats]:
    """Prose and noise per element, computed bottom-up in one pass over the tree."""
    stats: dict[HtmlElement, BlockStats] = {}
    # Blocks inside a link (teaser cards: <a><div>headline</div><p>dek</p></a>) are links.
    linked = set(_INSIDE_LINKS(root))
    for el in reversed(list(root.iter(etree.Element))):
        tag = el.tag
        own = BlockStats(inline_chars=_length(el.text))
        own.chars = own.inline_chars
        if tag == "a":
            own.inline_link_chars = own.inline_chars
        for child in el:
            child_stats = stats.get(child)
            if child_stats is not None:
                own.prose += child_stats.prose
                own.noise += child_stats.noise
                own.paragraphs += child_stats.paragraphs
                own.chars += child_stats.chars
                if child.tag in INLINE_TAGS:
                    own.inline_chars += child_stats.inline_chars
                    own.inline_link_chars += child_stats.inline_link_chars
            tail = _length(child.tail)
            own.inline_chars += tail
            own.chars += tail
        if tag == "a" or el in linked:
            own.inline_link_chars = own.inline_chars
        if tag not in INLINE_TAGS and own.inline_chars:
            _classify_block(tag, own)
        stats[el] = own
    return stats


def _classify_block(tag: str, own: BlockStats) -> None:
    text, links = own.inline_chars, own.inline_link_chars
    plain = text - links
    if tag in PARAGRAPH_TAGS and plain >= LINKED_PARAGRAPH_MIN:
        # A real paragraph that links a lot (names, sources) is still prose.
        own.prose += plain
        own.paragraphs += 1
    elif links > LINK_LIST_DENSITY * text:
        own.noise += text
    elif plain >= (MIN_PROSE_PARAGRAPH if tag in PARAGRAPH_TAGS else MIN_PROSE_BLOCK):
        own.prose += plain
        own.paragraphs += 1
