"""Render every output file from the configuration and the store's articles.

Pure: values in, `relative path -> bytes` out. Nothing here reads the clock, so the
same articles always give the same bytes and an unchanged site rewrites no file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from ..models import Channel, Config, StoredArticle
from .channels import (
    DIGEST_ARCHIVE_PATH,
    FEED_FORMATS,
    INDEX_PATH,
    OPML_PATH,
    channel_page_url,
    channels_for,
    digest_feed_path,
    feed_path,
    select_items,
    site_url,
)
from .document import ChannelEntry, FeedDocument, OriginFeed
from .hygiene import clean_text, plain_text
from .items import prepare_item
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
    by_slug: dict[str, list[StoredArticle]] = {}
    for channel, stored in feeds.items():
        by_slug.setdefault(channel.slug, []).extend(stored)
    return dict(iter_outputs(config, lambda channel: by_slug.get(channel.slug, ())))


def iter_outputs(
    config: Config, articles: Callable[[Channel], Sequence[StoredArticle]]
) -> Iterator[tuple[str, bytes]]:
    """Every file to publish, one at a time, asking `articles` for each channel's articles
    only when it renders that channel: a site of many sources never sits in memory whole.

    Files come in a safe writing order: assets and feeds before the pages linking them.
    """
    yield STYLESHEET_PATH, stylesheet()
    documents = []
    for document in _documents(config, articles):
        for fmt in FEED_FORMATS:
            yield feed_path(document.channel, fmt), _RENDERERS[fmt](document)
        # The index page lists the combined channel's headlines; of the others it needs
        # only their names, counts and dates.
        documents.append(document if document.channel.kind == "all" else document.slim())
    homepages = {source.id: source.homepage for source in config.sources if source.homepage}
    site = config.site
    yield OPML_PATH, render_opml(plain_text(site.title), _in_order(config, documents), homepages)
    yield (
        INDEX_PATH,
        render_index(
            title=plain_text(site.title),
            description=plain_text(site.description),
            language=site.language,
            documents=_in_order(config, documents),
            sources=config.sources,
            opml_url=site_url(site, OPML_PATH),
            topics=config.feeds,
            digests=[(d.title, site_url(site, digest_feed_path(d.id))) for d in config.digests],
            digest_archive_url=site_url(site, DIGEST_ARCHIVE_PATH) if config.digests else None,
        ),
    )


def build_documents(
    config: Config, feeds: Mapping[Channel, Sequence[StoredArticle]]
) -> list[FeedDocument]:
    """One format-independent document per configured channel, in `channels_for` order."""
    by_slug: dict[str, list[StoredArticle]] = {}
    for channel, stored in feeds.items():
        by_slug.setdefault(channel.slug, []).extend(stored)
    return _in_order(config, _documents(config, lambda c: by_slug.get(c.slug, ())))


def _documents(
    config: Config, articles: Callable[[Channel], Sequence[StoredArticle]]
) -> Iterator[FeedDocument]:
    """Each channel's document, source channels first: entries of the combined and tag
    feeds name the source feed they come from (atom:source)."""
    limit = config.publish.items_per_feed
    channels = channels_for(config)
    origins: dict[str, OriginFeed] = {}
    for channel in (c for c in channels if c.kind == "source"):
        chosen = select_items(articles(channel), limit)
        document = _document(config, channel, _entries(config, chosen))
        origins[channel.key] = _origin(document)
        yield document
    for channel in (c for c in channels if c.kind != "source"):
        chosen = select_items(articles(channel), limit)
        yield _document(config, channel, _entries(config, chosen, origins))


def _in_order(config: Config, documents: Iterable[FeedDocument]) -> list[FeedDocument]:
    """Documents in `channels_for` order (the combined channel first)."""
    by_slug = {document.channel.slug: document for document in documents}
    return [by_slug[channel.slug] for channel in channels_for(config) if channel.slug in by_slug]


def _entries(
    config: Config,
    chosen: Iterable[StoredArticle],
    origins: Mapping[str, OriginFeed] | None = None,
) -> tuple[ChannelEntry, ...]:
    """A channel's entries; an entry copied from a source feed names it (atom:source)."""
    sources = {source.id: source for source in config.sources}
    chars = config.publish.summary_chars
    items = [prepare_item(s, sources.get(s.source_id), summary_chars=chars) for s in chosen]
    return tuple(
        ChannelEntry(item, origins.get(item.source_id) if origins else None)
        for item in items
        if item is not None
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
