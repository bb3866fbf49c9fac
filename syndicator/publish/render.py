"""Render every output file from the configuration and the store's articles.

Pure: values in, `relative path -> bytes` out. Nothing here reads the clock, so the
same articles always give the same bytes and an unchanged site rewrites no file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..models import Channel, Config, Source, StoredArticle
from .channels import (
    FEED_FORMATS,
    INDEX_PATH,
    OPML_PATH,
    channel_page_url,
    channels_for,
    feed_path,
    select_items,
    site_url,
)
from .document import ChannelEntry, FeedDocument, OriginFeed
from .hygiene import clean_text, plain_text
from .items import FeedItem, prepare_item
from .jsonfeed import render_json
from .opml import render_opml
from .page import STYLESHEET_PATH, render_index, stylesheet
from .xmlfeeds import render_atom, render_rss

_RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def render_outputs(
    config: Config, feeds: Mapping[Channel, Sequence[StoredArticle]]
) -> dict[str, bytes]:
    """Every file to publish: the feeds of each channel of `channels_for(config)`,
    `feeds.opml`, `index.html` and the page's stylesheet.

    `feeds` is matched to channels by slug; a configured channel the mapping lacks is
    published empty, and a channel that is not configured is ignored.
    """
    documents = build_documents(config, feeds)
    files: dict[str, bytes] = {}
    for document in documents:
        for fmt in FEED_FORMATS:
            files[feed_path(document.channel, fmt)] = _RENDERERS[fmt](document)
    homepages = {source.id: source.homepage for source in config.sources if source.homepage}
    site = config.site
    files[OPML_PATH] = render_opml(plain_text(site.title), documents, homepages)
    files[INDEX_PATH] = render_index(
        title=plain_text(site.title),
        description=plain_text(site.description),
        language=site.language,
        documents=documents,
        sources=config.sources,
        opml_url=site_url(site, OPML_PATH),
    )
    files[STYLESHEET_PATH] = stylesheet()
    return files


def build_documents(
    config: Config, feeds: Mapping[Channel, Sequence[StoredArticle]]
) -> list[FeedDocument]:
    """One format-independent document per configured channel, in `channels_for` order."""
    by_slug: dict[str, list[StoredArticle]] = {}
    for channel, stored in feeds.items():
        by_slug.setdefault(channel.slug, []).extend(stored)
    sources = {source.id: source for source in config.sources}
    items = _ItemCache(sources, config.publish.summary_chars)
    limit = config.publish.items_per_feed
    channels = channels_for(config)
    documents: dict[str, FeedDocument] = {}
    # Source feeds first: entries of the combined and tag feeds name them (atom:source).
    for channel in channels:
        if channel.kind == "source":
            chosen = select_items(by_slug.get(channel.slug, ()), limit)
            documents[channel.slug] = _document(config, channel, items.entries(chosen))
    origins = {doc.channel.key: _origin(doc) for doc in documents.values()}
    for channel in channels:
        if channel.kind != "source":
            chosen = select_items(by_slug.get(channel.slug, ()), limit)
            documents[channel.slug] = _document(config, channel, items.entries(chosen, origins))
    return [documents[channel.slug] for channel in channels]


class _ItemCache:
    """Prepares each stored article once, however many channels carry it."""

    def __init__(self, sources: Mapping[str, Source], summary_chars: int) -> None:
        self._sources = sources
        self._summary_chars = summary_chars
        self._items: dict[StoredArticle, FeedItem | None] = {}

    def get(self, stored: StoredArticle) -> FeedItem | None:
        if stored not in self._items:
            source = self._sources.get(stored.source_id)
            self._items[stored] = prepare_item(stored, source, summary_chars=self._summary_chars)
        return self._items[stored]

    def entries(
        self, chosen: Iterable[StoredArticle], origins: Mapping[str, OriginFeed] | None = None
    ) -> tuple[ChannelEntry, ...]:
        """The channel's entries; an entry copied from a source feed names it (atom:source)."""
        items = [item for item in map(self.get, chosen) if item is not None]
        return tuple(
            ChannelEntry(item, origins.get(item.source_id) if origins else None) for item in items
        )


def _document(config: Config, channel: Channel, entries: Iterable[ChannelEntry]) -> FeedDocument:
    site = config.site
    return FeedDocument(
        channel=channel,
        title=plain_text(channel.title or site.title),
        description=plain_text(site.description),
        language=clean_text(site.language),
        author=plain_text(site.title),
        page_url=channel_page_url(site, channel),
        urls={fmt: site_url(site, feed_path(channel, fmt)) for fmt in FEED_FORMATS},
        entries=tuple(entries),
        hub=site.websub_hub,
    )


def _origin(source_feed: FeedDocument) -> OriginFeed:
    """How entries copied from a source's own feed describe that feed."""
    return OriginFeed(
        id=source_feed.urls["atom"],
        title=source_feed.title,
        updated=source_feed.updated,
        atom_url=source_feed.urls["atom"],
        json_url=source_feed.urls["json"],
        page_url=source_feed.page_url,
    )


def changed_feed_urls(config: Config, changed_paths: Iterable[str]) -> list[str]:
    """Public URLs of the feed files among `changed_paths` (what a WebSub hub is told)."""
    suffixes = tuple(f".{fmt}" for fmt in FEED_FORMATS)
    return [
        site_url(config.site, path)
        for path in changed_paths
        if path.startswith("feeds/") and path.endswith(suffixes)
    ]
