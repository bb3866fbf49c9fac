"""The safety net: a second, looser look at a page whose first result is suspect.

The generic cascade trusts class names and markup; on a site whose classes mislead
it (a story wrapped in a "modal", paragraphs marked "sidebar-text", a body split
across widgets) it can come back empty or with a fraction of the story. Then:

1. `suspect` flags the first body when it is empty, tiny beside the prose the page
   holds (`SHORT_CHARS`, `SHORT_SHARE`), or mostly link text (navigation);
2. `loose_body` parses the page again and takes the density winner with only the
   furniture no article is ever in (nav, footer, hidden elements), without the
   class-word rules and without narrowing to a headline or a semantic container;
3. `prefer_loose` keeps the looser body only when it is clearly longer
   (`MIN_GAIN` times), is not itself navigation and, when the first body had text,
   still holds that text's opening (so it grew the story instead of jumping to
   comments or another story).

Rule and thresholds are measured with `bench/extraction.py` (see README).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from . import boilerplate as rules
from .document import drop, parse, prepare
from .generic import choose_container, is_hidden
from .prune import normalized_text, prune

# The first body is suspect when it is this short (characters) and below this share
# of the page's prose: a caption or a teaser taken for a page's long story. Measured:
# the share alone also flags correct bodies on pages with long comments or related
# excerpts (19 of the 204 tuning and dev pages are below 0.5), and on every one of
# them the looser pass was worse, so a body is only "short" when it is also tiny.
SHORT_CHARS = 300
SHORT_SHARE = 0.3
# ...or when more than this share of its text is link text.
NAV_LINK_SHARE = 0.5
# The loose body must be this many times longer to replace a non-empty first body.
MIN_GAIN = 1.5
# Characters of the first body's opening the loose body must still contain.
OPENING_CHARS = 80


@dataclass(frozen=True, slots=True)
class Measure:
    chars: int
    link_chars: int
    text: str

    @property
    def navigation(self) -> bool:
        return self.chars > 0 and self.link_chars > NAV_LINK_SHARE * self.chars


def measure_text(el: HtmlElement) -> Measure:
    text = normalized_text(el)
    links = sum(len(normalized_text(a)) for a in el.iter("a"))
    return Measure(len(text), links, text)


def suspect(first: Measure, page_prose: int) -> str | None:
    """Why the first body needs a second look ("empty", "short", "navigation"), or None."""
    if first.chars == 0:
        return "empty"
    if first.navigation:
        return "navigation"
    if first.chars < SHORT_CHARS and first.chars < SHORT_SHARE * page_prose:
        return "short"
    return None


def loose_body(html: str | bytes) -> HtmlElement | None:
    """The density winner of a fresh parse, stripped of sure furniture only, pruned."""
    root = parse(html).root
    prepare(root)
    drop(root.iter(*rules.STRONG_FURNITURE_TAGS))
    drop(el for el in root.iter() if isinstance(el.tag, str) and is_hidden(el))
    body = root.find("body")
    if body is None:
        return None
    choice = choose_container(body, None, None, refine=False)
    prune(choice.element, choice.stats)
    return choice.element


def prefer_loose(first: Measure, loose: Measure) -> bool:
    """True when the loose body should replace the first one (see module docstring)."""
    if loose.chars == 0 or loose.navigation:
        return False
    if first.chars == 0:
        return True
    opening = first.text[:OPENING_CHARS]
    return loose.chars >= MIN_GAIN * first.chars and opening in loose.text
