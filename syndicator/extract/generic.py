"""Find the article body on a page nobody wrote rules for.

The cascade, each step with an explicit gate:

1. `strip_furniture`: drop what is never the article (scripts, hidden elements,
   menus, share bars, comment sections…, by tag, role and class/id, see
   `boilerplate`), unless the element holds most of the page's prose, or only its
   class words speak against running text that is much of the story, or against a
   span inside a paragraph's sentence (a "CAIRO —" dateline);
2. `choose_container`: score every element by the prose it holds minus the link
   text and boilerplate it holds (see `measure`), and take the best one;
3. `find_headline` anchors the choice: when the winner also holds teasers, related
   stories or comments beside the story, the headline's own container is taken;
4. a semantic container (`itemprop=articleBody`, `<article>`, `[class*=article-body]`)
   is preferred when it holds nearly all of the winner's prose and little else.

The chosen element is then pruned block by block (`prune`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from . import boilerplate as rules
from .measure import INLINE_TAGS, PARAGRAPH_TAGS, BlockStats, measure

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def class_and_id(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def furniture_strength(el: HtmlElement, names: str | None = None) -> float | None:
    """For furniture, the share of page prose above which it is kept anyway; else None."""
    role = (el.get("role") or "").lower()
    if role in rules.BOILERPLATE_ROLES:
        return rules.KEEP_STRONG_SHARE
    names = class_and_id(el) if names is None else names
    kind = rules.class_kind(names) if names else None
    if el.tag in rules.STRONG_FURNITURE_TAGS:
        return rules.KEEP_STRONG_SHARE if kind != "content" or el.tag == "nav" else None
    if el.tag in rules.WEAK_FURNITURE_TAGS:
        return rules.KEEP_WEAK_SHARE if kind != "content" else None
    if kind == "strong":
        return rules.KEEP_STRONG_SHARE
    if kind == "weak":
        return rules.KEEP_WEAK_SHARE
    return None


def is_hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


@dataclass(frozen=True, slots=True)
class Stripped:
    """What `strip_furniture` leaves: the measure of the remaining body, and the
    parents of removed paywall boxes that showed a subscription prompt."""

    stats: dict[HtmlElement, BlockStats]
    paywall_prompts: tuple[HtmlElement, ...] = ()
    semantic: tuple[tuple[str, HtmlElement], ...] = ()
    page_prose: int = 0  # prose of the whole page before anything was removed


def strip_furniture(root: HtmlElement, scope: HtmlElement | None = None) -> Stripped:
    """Remove what is never the article (in place), keeping anything holding most prose.

    Works on the page's <body>, or inside `scope` (the body a site rule chose).
    """
    for el in list(root.iter(*rules.NEVER_CONTENT_TAGS)):
        _drop(el)
    body = scope if scope is not None else root.find("body")
    if body is None:
        return Stripped({})
    stats = measure(body)
    total = max(stats[body].prose, 1)
    winner = _density_winner(body, stats)
    doomed: list[HtmlElement] = []
    semantic: list[tuple[str, HtmlElement]] = []
    # XPath (in C) preselects the few elements a rule could apply to.
    for el in _FURNITURE_CANDIDATES(body):
        names = class_and_id(el)
        kind = _semantic_kind(el, names)
        if kind is not None:
            semantic.append((kind, el))
        if el.tag in INLINE_TAGS and el.tag != "span":
            continue
        hidden = is_hidden(el)
        keep_share = rules.KEEP_STRONG_SHARE if hidden else furniture_strength(el, names)
        if keep_share is None or stats[el].prose > keep_share * total:
            continue
        if _metered_text(el, names, stats[el]):
            continue
        if not hidden and _story_under_class_words(el, stats, winner):
            continue
        if not hidden and el.tag == "span" and _inside_a_sentence(el, names, stats):
            continue
        doomed.append(el)
    prompts = tuple(
        parent
        for el in doomed
        if rules.PAYWALL_CLASS.search(class_and_id(el))
        and _shows_prompt(el, stats[el])
        and (parent := el.getparent()) is not None
    )
    removed: set[HtmlElement] = set()
    for el in doomed:  # document order: an element comes before what it contains
        if any(ancestor in removed for ancestor in el.iterancestors()):
            continue
        removed.add(el)
        _forget(el, stats)
        _drop(el)
    return Stripped(stats, prompts, tuple(semantic), total)


# A class-word furniture element holding this share of the density winner's prose, in
# running paragraphs (at most one link per this many), is part of the story: a
# "read more" expander holding its second half, not a teaser box.
STORY_SHARE = 0.5
PARAGRAPHS_PER_LINK = 4


def _density_winner(body: HtmlElement, stats: dict[HtmlElement, BlockStats]) -> HtmlElement:
    """The element (not inline) with the best prose-minus-noise score."""
    best, best_score = body, stats[body].score
    for el, held in stats.items():
        if held.score > best_score and el.tag not in INLINE_TAGS:
            best, best_score = el, held.score
    return best


def _story_under_class_words(
    el: HtmlElement, stats: dict[HtmlElement, BlockStats], winner: HtmlElement
) -> bool:
    """True when only class words call `el` furniture and it holds much of the story.

    Tags (`nav`, `aside`…) and ARIA roles say what an element is; a class word such
    as "read-more" may name an expander as well as a teaser, so running text that is
    half of the density winner's prose outweighs it.
    """
    if el.tag in rules.STRONG_FURNITURE_TAGS or el.tag in rules.WEAK_FURNITURE_TAGS:
        return False
    if (el.get("role") or "").lower() in rules.BOILERPLATE_ROLES:
        return False
    held = stats[el]
    if el is winner or held.prose < STORY_SHARE * stats[winner].prose:
        return False
    if not any(ancestor is winner for ancestor in el.iterancestors()):
        return False
    links = sum(1 for _ in el.iter("a"))
    return links * PARAGRAPHS_PER_LINK <= held.paragraphs


# A span in a paragraph holding this much plain text besides it is part of a sentence.
SENTENCE_CHARS = 80


def _inside_a_sentence(el: HtmlElement, names: str, stats: dict[HtmlElement, BlockStats]) -> bool:
    """True for a span within a paragraph's running text: `<p><span class="dateline">CAIRO
    —</span> Gunmen opened fire…` reads as one sentence, whatever the span's class says
    (text only screen readers get is still left out)."""
    block = el.getparent()
    while block is not None and block.tag in INLINE_TAGS:
        block = block.getparent()
    if block is None or block.tag not in PARAGRAPH_TAGS or rules.OFFSCREEN_CLASS.search(names):
        return False
    held, own = stats[block], stats[el]
    plain = held.inline_chars - held.inline_link_chars
    return plain - (own.inline_chars - own.inline_link_chars) >= SENTENCE_CHARS


def _forget(el: HtmlElement, stats: dict[HtmlElement, BlockStats]) -> None:
    """Take a subtree about to be removed out of the measure, instead of measuring the
    page again: prose, noise and characters add up, so ancestors just subtract."""
    gone = stats[el]
    inline = el.tag in INLINE_TAGS
    for ancestor in el.iterancestors():
        held = stats.get(ancestor)
        if held is None:
            break
        held.prose -= gone.prose
        held.noise -= gone.noise
        held.paragraphs -= gone.paragraphs
        held.chars -= gone.chars
        if inline:  # its text was part of the enclosing block's own text
            held.inline_chars -= gone.inline_chars
            held.inline_link_chars -= gone.inline_link_chars
            inline = ancestor.tag in INLINE_TAGS
    for inside in el.iter():
        stats.pop(inside, None)


def _metered_text(el: HtmlElement, names: str, held: BlockStats) -> bool:
    """Story paragraphs a metered site marks `class="paywall"` and still sends in full:
    prose with no subscription prompt in it is the article, not the wall."""
    if not held.paragraphs or rules.PAYWALL_CLASS.search(names) is None:
        return False
    if held.noise >= held.prose or is_hidden(el):
        return False
    return rules.PAYWALL_TEXT.search(" ".join(el.text_content().split())) is None


def _shows_prompt(el: HtmlElement, held: BlockStats) -> bool:
    if not 0 < held.chars <= rules.COOKIE_BLOCK_CHARS:
        return False
    return rules.PAYWALL_TEXT.search(" ".join(el.text_content().split())) is not None


_FURNITURE_CANDIDATES = etree.XPath(
    ".//*[@class or @id or @role or @hidden or @aria-hidden or @style or @itemprop]|"
    + "|".join(f".//{tag}" for tag in (*rules.STRONG_FURNITURE_TAGS, *rules.WEAK_FURNITURE_TAGS))
)


def _drop(el: HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()


# Containers that say they hold the article body, most specific first: microdata,
# then body class names, then <article>.
SEMANTIC_KINDS = ("itemprop", "article-body", "article")
SEMANTIC_BODY_CLASS = re.compile(
    r"(?i)article[-_]{0,2}body|articleBody|story[-_]body|entry[-_]content|post[-_]content|"
    r"article[-_]content|story[-_]content"
)


def _semantic_kind(el: HtmlElement, names: str) -> str | None:
    if (el.get("itemprop") or "").lower() == "articlebody":
        return "itemprop"
    if names and _is_body_class(el.get("class") or ""):
        return "article-body"
    return None


@functools.lru_cache(maxsize=8192)  # a memo of a pure function of a class value
def _is_body_class(value: str) -> bool:
    return SEMANTIC_BODY_CLASS.search(value) is not None


# A semantic container must hold this share of the density winner's prose.
SEMANTIC_MIN_SHARE = 0.9


# The headline's container must hold this share of the density winner's prose to
# replace it.
HEADLINE_MIN_SHARE = 0.2
# ...unless this share of the rest is paragraphs under one parent (the story goes on).
CONTINUATION_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Choice:
    element: HtmlElement
    method: str
    prose: int
    stats: dict[HtmlElement, BlockStats]


def find_headline(body: HtmlElement, title: str) -> list[HtmlElement]:
    """The heading that shows the page's title, then its ancestors up to `body`."""
    wanted = _comparable(title)
    if len(wanted) < 8:
        return []
    for tags in (("h1",), ("h2", "h3", "h4")):
        for heading in body.iter(*tags):
            shown = _comparable(heading.text_content())
            if shown and (shown == wanted or _overlaps(shown, wanted)):
                return [heading, *heading.iterancestors()]
    return []


def _comparable(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _overlaps(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return short in long and len(short) >= 0.6 * len(long)


def choose_container(
    body: HtmlElement,
    headline: list[HtmlElement] | None = None,
    stripped: Stripped | None = None,
    *,
    refine: bool = True,
) -> Choice:
    """The element holding the article: density winner, narrowed to the headline's
    container when the winner also holds other stories, refined by semantic markup.

    `headline` is `find_headline`'s answer from before furniture was stripped; the
    first of its elements still in the page anchors the search. `stripped` is what
    `strip_furniture` measured and noticed, when the caller has it. `refine=False`
    returns the density winner as it is (the safety net's looser pass).
    """
    stats = stripped.stats if stripped is not None else measure(body)
    if stripped is not None:
        marked = stripped.semantic
    else:
        marked = tuple(
            (kind, el)
            for el in body.iter(etree.Element)
            if (kind := _semantic_kind(el, class_and_id(el))) is not None
        )
    best = _density_winner(body, stats)
    winner = Choice(best, "density", stats[best].prose, stats)
    if not refine:
        return winner
    anchored = _anchored(headline or [], stats, winner)
    if anchored is not None:
        winner = Choice(anchored, "headline", stats[anchored].prose, stats)
    for name in SEMANTIC_KINDS:
        if name == "article":
            found = [el for el in body.iter("article") if el in stats]
        else:
            found = [el for kind, el in marked if kind == name and el in stats]
        semantic = _best_semantic(found, stats, winner)
        if semantic is not None:
            return Choice(semantic, f"semantic:{name}", stats[semantic].prose, stats)
    return winner


def _anchored(
    headline: list[HtmlElement], stats: dict[HtmlElement, BlockStats], winner: Choice
) -> HtmlElement | None:
    """Inside the winner, the smallest container of the headline that holds a fair
    share of the winner's prose, when the rest of the winner is not the story's own
    continuation but teasers, related stories or comments."""
    if not winner.prose:
        return None
    for el in headline:
        if el is winner.element:
            return None  # reached the winner: the headline has no container of its own
        if el in stats and stats[el].prose >= HEADLINE_MIN_SHARE * winner.prose:
            if not any(a is winner.element for a in el.iterancestors()):
                return None
            if not _continues(winner.element, el, stats):
                return el
            # else the story goes on beside it: try the next container up
    return None


def _continues(
    outer: HtmlElement, inner: HtmlElement, stats: dict[HtmlElement, BlockStats]
) -> bool:
    """True when most prose of `outer` outside `inner` is paragraphs under one parent:
    the body of a story whose headline sits in a header with its lede, not a list of
    teasers (one paragraph per card, or list items)."""
    by_parent: dict[HtmlElement, int] = {}
    total = 0
    stack = [outer]
    while stack:
        el = stack.pop()
        if el is inner:
            continue
        children = [child for child in el if child in stats]
        own = stats[el].prose - sum(stats[child].prose for child in children)
        if own > 0:
            total += own
            if el.tag in PARAGRAPH_TAGS:
                parent = el.getparent()
                by_parent[parent] = by_parent.get(parent, 0) + own
        stack.extend(child for child in children if stats[child].prose)
    return total > 0 and max(by_parent.values(), default=0) >= CONTINUATION_SHARE * total


def _best_semantic(
    found: Iterable[HtmlElement], stats: dict[HtmlElement, BlockStats], winner: Choice
) -> HtmlElement | None:
    winner_score = stats[winner.element].score
    for el in found:
        held = stats[el]
        # Nearly all of the winner's prose, and not much more (else it wraps the page).
        if (
            winner.prose
            and SEMANTIC_MIN_SHARE * winner.prose <= held.prose <= 1.6 * winner.prose
            and held.score >= 0.8 * winner_score
        ):
            return el
    return None
