"""RSS 2.0 and Atom 1.0 with feedgen, and the repairs feedgen 1.0.0 needs.

feedgen 1.0.0 gets four things wrong that matter to us; each is worked around here on
purpose, through feedgen's own extension hooks, and pinned by tests:

1. The RSS channel `<link>` is the *last* link added to the feed, so the link to the
   site page is always added after the self (and hub) links.
2. Atom entry links lose `rel`, `type` and `title` (upstream issue 135: the loop
   variable is shadowed), so only the alternate link (where a missing rel means
   alternate) goes through feedgen; `via` and `related` links are written by
   `_EntryRepairs`.
3. `FeedEntry.source()` writes an `atom:source` with only a title and a link, which
   the validator rejects (no id, no updated); it is never called. `_EntryRepairs`
   writes a complete `atom:source` and the RSS `<source>` itself.
4. RSS only gets the first `rel="self"` Atom link; the WebSub `rel="hub"` link is
   added to the channel by `_FeedRepairs`.

Feedgen stamps the clock on feeds and entries unless told otherwise; every date here
is set from the items, so the bytes only change when the items do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .. import __version__
from .channels import FeedFormat
from .document import ChannelEntry, FeedDocument, OriginFeed

ATOM_NS = "http://www.w3.org/2005/Atom"
_REPAIRS = "syndicator"


class _FeedRepairs(BaseExtension):  # type: ignore[misc]
    """Feed-level repairs: the WebSub hub link RSS would otherwise lose."""

    def __init__(self) -> None:
        self.hub: str | None = None

    def extend_rss(self, rss: Any) -> Any:
        if self.hub:
            channel = rss[0]
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", href=self.hub, rel="hub")
        return rss

    def extend_atom(self, feed: Any) -> Any:
        return feed


class _EntryRepairs(BaseEntryExtension):  # type: ignore[misc]
    """Entry-level repairs: links with their rel kept, complete source elements."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []
        self.origin: OriginFeed | None = None
        self.rss_source: tuple[str, str] | None = None
        self.updated: datetime | None = None

    def extend_atom(self, entry: Any) -> Any:
        # feedgen writes Atom elements without a namespace under a default xmlns,
        # so ours are unqualified too.
        for link in self.links:
            etree.SubElement(entry, "link", **link)
        if self.origin is not None:
            _atom_source(entry, self.origin)
        return entry

    def extend_rss(self, item: Any) -> Any:
        # RSS items have no modification date; atom:updated lets readers see a change.
        if self.updated is not None:
            etree.SubElement(item, f"{{{ATOM_NS}}}updated").text = self.updated.isoformat()
        if self.rss_source is not None:
            url, title = self.rss_source
            source = etree.SubElement(item, "source", url=url)
            source.text = title
        return item


def _atom_source(entry: Any, origin: OriginFeed) -> None:
    source = etree.SubElement(entry, "source")
    etree.SubElement(source, "id").text = origin.id
    etree.SubElement(source, "title").text = origin.title
    etree.SubElement(source, "updated").text = origin.updated.isoformat()
    etree.SubElement(source, "link", rel="self", type="application/atom+xml", href=origin.atom_url)
    etree.SubElement(source, "link", rel="alternate", type="text/html", href=origin.page_url)


def render_rss(document: FeedDocument) -> bytes:
    """RSS 2.0 bytes of one channel."""
    generator = _generator(document, "rss")
    return bytes(generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def render_atom(document: FeedDocument) -> bytes:
    """Atom 1.0 bytes of one channel."""
    generator = _generator(document, "atom")
    return bytes(generator.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def _generator(document: FeedDocument, fmt: FeedFormat) -> FeedGenerator:
    generator = FeedGenerator()
    generator.register_extension(_REPAIRS, _FeedRepairs, _EntryRepairs)
    generator.load_extension("dc", atom=False, rss=True)  # RSS <author> must be an e-mail
    self_url = document.urls[fmt]
    generator.id(document.urls["atom"])
    generator.title(document.title)
    generator.description(document.description)
    generator.language(document.language)
    generator.author(name=document.author, uri=document.page_url)
    generator.generator("syndicator", version=__version__)
    generator.updated(document.updated)
    generator.link(href=self_url, rel="self", type=_SELF_TYPES[fmt])
    if document.hub:
        generator.link(href=document.hub, rel="hub")
        getattr(generator, _REPAIRS).hub = document.hub
    # Added last on purpose: feedgen makes the last link the RSS channel <link>.
    generator.link(href=document.page_url, rel="alternate", type="text/html")
    for entry in document.entries:
        _add_entry(generator, entry)
    return generator


_SELF_TYPES: dict[FeedFormat, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


def _add_entry(generator: FeedGenerator, entry: ChannelEntry) -> None:
    item = entry.item
    feed_entry = generator.add_entry(order="append")
    feed_entry.id(item.id)
    feed_entry.title(item.title)
    feed_entry.link(href=item.link)  # rel defaults to alternate; feedgen drops it (harmless)
    if item.content_html:
        feed_entry.content(item.content_html, type="html")
    if item.summary_html:
        feed_entry.summary(item.summary_html, type="html")
    feed_entry.author(name=item.author)
    feed_entry.dc.dc_creator(item.author)
    feed_entry.published(item.published)
    feed_entry.updated(item.updated)
    for tag in item.tags:
        feed_entry.category(term=tag)
    repairs: _EntryRepairs = getattr(feed_entry, _REPAIRS)
    if item.original is not None:
        via = {"rel": "via", "type": "text/html", "href": item.original.url}
        repairs.links.append(via | {"title": item.original.publisher})
        repairs.rss_source = (item.original.url, item.original.publisher)
    for appearance in item.appearances:
        related = {"rel": "related", "type": "text/html", "href": appearance.url}
        repairs.links.append(related | {"title": appearance.source_name})
    repairs.origin = entry.origin
    repairs.updated = item.updated
