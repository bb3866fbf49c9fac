"""Remove what is not the article from inside the chosen container.

Sites put ad slots, "More from Author", share bars, related lists, newsletter boxes
and paywall prompts inside the article element itself, so after the container is
chosen every block in it is judged again: by its text (short blocks against
`boilerplate.BOILERPLATE_TEXT`) and by its link density (link lists go, prose stays).
Subheadings, lists, quotes, tables, images and figures with captions are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from . import boilerplate as rules
from .measure import INLINE_TAGS, BlockStats, measure

# Containers removed when they hold more link/boilerplate text than prose.
LINK_LIST_TAGS = frozenset(
    {"ul", "ol", "dl", "div", "section", "table", "p", "span", "nav", "aside", "header",
     "footer", "li", "h2", "h3", "h4", "h5", "h6", "figure"}
)  # fmt: skip
# ...unless they hold at least this much prose (a long paragraph with many links).
KEEP_PROSE_CHARS = 400
# Elements that can title a section, and the containers that hold its listing.
SECTION_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "strong", "div", "span"})
LISTING_TAGS = frozenset({"ul", "ol", "div", "section", "aside", "nav", "table", "dl"})
# Plain characters after a link that make a list item an annotated link, not a menu entry.
ANNOTATION_CHARS = 40
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PruneResult:
    paywall: bool
    removed: int


def normalized_text(el: HtmlElement) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()


def prune(
    container: HtmlElement, stats: dict[HtmlElement, BlockStats] | None = None
) -> PruneResult:
    """Drop boilerplate blocks inside `container` (in place); report paywall prompts.

    `stats` may come from choosing the container (a measure of a tree holding it).
    """
    if stats is None:
        stats = measure(container)
    paywall = False
    doomed: list[HtmlElement] = []
    stack = list(reversed(list(container)))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        element_stats = stats.get(el)
        if element_stats is None:
            continue
        verdict = _judge(el, element_stats, stats)
        if verdict == "paywall":
            paywall = True
        if verdict is not None:
            doomed.append(el)
            if verdict == "section":
                following = _listing_after(el)
                if following is not None:
                    doomed.append(following)
                    stack = [item for item in stack if item is not following]
            continue  # nothing inside a removed block needs judging
        stack.extend(reversed([child for child in el if isinstance(child.tag, str)]))
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return PruneResult(paywall=paywall, removed=len(doomed))


def _annotated(stats: BlockStats | None) -> bool:
    """A link with a sentence of its own after it ("<a>Headline</a>. What it says.")."""
    return stats is not None and stats.inline_chars - stats.inline_link_chars >= ANNOTATION_CHARS


def _judge(
    el: HtmlElement, stats: BlockStats, all_stats: dict[HtmlElement, BlockStats]
) -> str | None:
    """Why `el` goes ("boilerplate", "links", "paywall"), or None to keep it."""
    if el.tag in ("img", "br", "hr") or (el.tag in INLINE_TAGS and el.tag != "a"):
        return None
    if 0 < stats.chars <= rules.COOKIE_BLOCK_CHARS and stats.paragraphs <= 1:
        text = normalized_text(el)
        if rules.COOKIE_TEXT.search(text):
            return "boilerplate"
    if 0 < stats.chars <= rules.SHORT_BLOCK_CHARS:
        text = normalized_text(el)
        if rules.PAYWALL_TEXT.search(text):
            return "paywall"
        if el.tag in SECTION_HEADINGS and rules.SECTION_TITLE.fullmatch(text):
            return "section"
        if rules.BOILERPLATE_TEXT.fullmatch(text):
            return "boilerplate"
        if rules.IMAGE_UI_TEXT.fullmatch(text) and _about_an_image(el):
            return "boilerplate"
    if el.tag in ("li", "p", "dd", "td") and _annotated(stats):
        return None  # inside the article, an annotated link is part of a list it wrote
    if el.tag in ("ul", "ol"):
        items = [all_stats.get(item) for item in el if item.tag == "li"]
        if items and 2 * sum(1 for item in items if _annotated(item)) >= len(items):
            return None
    if (
        el.tag in LINK_LIST_TAGS
        and stats.noise > stats.prose
        and stats.prose < KEEP_PROSE_CHARS
        and el.tag != "figure"  # a caption with a credit link is still a caption
    ):
        return "links"
    return None


def _about_an_image(el: HtmlElement) -> bool:
    """In a figure or caption, or a link to an image file."""
    if rules.IMAGE_FILE.search(el.get("href") or ""):
        return True
    return any(
        ancestor.tag in ("figure", "figcaption")
        or rules.CAPTION_CLASS.search(ancestor.get("class") or "") is not None
        for ancestor in el.iterancestors()
    )


def _listing_after(heading: HtmlElement) -> HtmlElement | None:
    """The list or box of stories that follows a "Related stories" heading, if any."""
    following = heading.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None or following.tag not in LISTING_TAGS:
        return None
    return following


def paragraphs_from_breaks(container: HtmlElement) -> None:
    """Turn runs of inline content separated by two or more <br> into <p> (in place).

    Old pages and some CMS fields write paragraphs as "text<br><br>text"; as
    paragraphs they read better and the headline or byline at the top can be found.
    """
    # Deepest first, so a <font> whose breaks became paragraphs is a block to its parent.
    for parent in reversed(list(container.iter(etree.Element))):
        children = list(parent)
        if not any(
            _is_br(first) and _is_br(second) and not (first.tail or "").strip()
            for first, second in pairwise(children)
        ):
            continue
        paragraph = _new_paragraph(parent.text)
        parent.text = None
        index = 0
        while index < len(children):
            child = children[index]
            following = children[index + 1] if index + 1 < len(children) else None
            if _is_br(child) and _is_br(following) and not (child.tail or "").strip():
                while _is_br(following) and not (child.tail or "").strip():
                    index += 1
                    child = following
                    following = children[index + 1] if index + 1 < len(children) else None
                _flush(parent, paragraph)
                paragraph = _new_paragraph(child.tail)
                parent.remove(child)
            elif isinstance(child.tag, str) and (
                child.tag not in INLINE_TAGS
                or next(child.iterdescendants(*_BLOCKS), None) is not None
            ):
                _flush(parent, paragraph)
                parent.append(child)  # a block stays a block, after the text before it
                paragraph = _new_paragraph(None)
            else:
                paragraph.append(child)  # moves it, tail and all
            index += 1
        _flush(parent, paragraph)
        for child in list(parent):
            if _is_br(child):
                parent.remove(child)  # the breaks that only separated paragraphs


_BLOCKS = ("p", "div", "table", "ul", "ol", "blockquote", "section", "h2", "h3", "h4")


def _is_br(el: HtmlElement | None) -> bool:
    return el is not None and el.tag == "br"


def _new_paragraph(text: str | None) -> HtmlElement:
    paragraph = lxml.html.Element("p")
    paragraph.text = text
    return paragraph


def _flush(parent: HtmlElement, paragraph: HtmlElement) -> None:
    while len(paragraph) and _is_br(paragraph[-1]) and not (paragraph[-1].tail or "").strip():
        paragraph.remove(paragraph[-1])  # a trailing single break ends nothing
    if len(paragraph) or (paragraph.text or "").strip():
        parent.append(paragraph)


_STAMP_TAGS = ("p", "div", "span", "li", "time", "small", "em", "dd")
_STAMP_CHILDREN = 8
_DIGIT = re.compile(r"\d")
# Characters of source text (indentation and all) a stamp's one line may take.
_STAMP_RAW_CHARS = 1000


def drop_date_stamps(container: HtmlElement) -> None:
    """Remove blocks that only say when the story was published or updated (in place)."""
    for el in list(container.iter(*_STAMP_TAGS)):
        if el is container or el.getparent() is None:
            continue
        # Only blocks of inline content: a stamp is one short line, and reading the text
        # of every wrapper would read the story once per level of nesting.
        if len(el) > _STAMP_CHILDREN or any(_holds_a_block(child) for child in el):
            continue
        raw = el.text_content().strip()
        if len(raw) > _STAMP_RAW_CHARS or _DIGIT.search(raw) is None:
            continue  # a paragraph of the story, or no date in it: not worth normalizing
        text = _SPACES.sub(" ", raw)
        if len(text) <= rules.DATE_STAMP_CHARS and rules.DATE_STAMP_TEXT.fullmatch(text):
            el.drop_tree()


def _holds_a_block(el: HtmlElement) -> bool:
    """A block child with content (an empty `<div class="clearfix">` is no block)."""
    return el.tag not in INLINE_TAGS and (len(el) > 0 or bool((el.text or "").strip()))


def drop_empty(container: HtmlElement) -> None:
    """Remove blocks left with neither text nor media after pruning (in place)."""
    for el in reversed(list(container.iter(etree.Element))):
        if el is container or el.tag in INLINE_TAGS or el.tag in ("hr", "td", "th", "tr"):
            continue
        if len(el) == 0 and not (el.text or "").strip():
            parent = el.getparent()
            if parent is not None:
                el.drop_tree()
