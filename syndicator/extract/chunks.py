"""Put a story back together when the page splits it into chunks.

Some sites cut the body into several identical wrappers with ad slots or rails in
between (`<div class="grid"><div class="body">…</div><aside/></div><div class="ad"/>
<div class="grid"><div class="body">…</div>…`). The density winner is then one chunk,
and a reader would lose the rest of the story. `gather_chunks` climbs a few levels
from the chosen element; where an ancestor has siblings of the same tag and class,
it follows the same path down each of them and keeps the part found there when it
is prose, not links.
"""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from .measure import BlockStats

# How many levels above the chosen element a chunk wrapper may sit.
MAX_LEVELS = 4
# A twin's part must hold this much prose (characters) and less noise than prose.
MIN_CHUNK_PROSE = 150

Signature = tuple[str, str]


def _signature(el: HtmlElement) -> Signature:
    return el.tag, " ".join((el.get("class") or "").split())


def _follow(start: HtmlElement, path: list[Signature]) -> HtmlElement | None:
    """The element under `start` reached by the same steps (tag and class) as `path`."""
    el = start
    for step in path:
        el = next((child for child in el if _signature(child) == step), None)
        if el is None:
            return None
    return el


def _is_prose(el: HtmlElement, stats: dict[HtmlElement, BlockStats]) -> bool:
    held = stats.get(el)
    return held is not None and held.prose >= MIN_CHUNK_PROSE and held.noise < held.prose


def gather_chunks(chosen: HtmlElement, stats: dict[HtmlElement, BlockStats]) -> HtmlElement:
    """`chosen`, or a new element holding it and its twin chunks in document order."""
    el = chosen
    path: list[Signature] = []  # the steps from just below `el` down to `chosen`
    for _ in range(MAX_LEVELS):
        parent = el.getparent()
        if parent is None or parent.tag == "body":
            break
        signature = _signature(el)
        if signature[1]:  # only classed wrappers: bare divs repeat by accident
            parts = []
            for sibling in parent:
                if sibling is el:
                    parts.append(chosen)
                elif isinstance(sibling.tag, str) and _signature(sibling) == signature:
                    part = _follow(sibling, path)
                    if part is not None and _is_prose(part, stats):
                        parts.append(part)
            if len(parts) > 1:
                wrapper = lxml.html.Element("div")
                for part in parts:
                    wrapper.append(part)  # moves it: the page tree is ours to consume
                return wrapper
        path.insert(0, signature)
        el = parent
    return chosen
