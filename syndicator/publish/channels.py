"""Which feeds exist, where each one lives, and which items go into it.

Pure functions of the configuration and of the store's values. Every published URL
is `site.base_url` joined with a relative path from here, so the self link of a file
is exactly the URL it is served at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin

from ..models import Channel, Config, SiteSettings, StoredArticle

FeedFormat = Literal["rss", "atom", "json"]
FEED_FORMATS: tuple[FeedFormat, ...] = ("rss", "atom", "json")

# Media types as served and as advertised in autodiscovery links and OPML.
MEDIA_TYPES: dict[FeedFormat, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
FORMAT_NAMES: dict[FeedFormat, str] = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

INDEX_PATH = "index.html"
OPML_PATH = "feeds.opml"
DIGEST_ARCHIVE_PATH = "digests/index.html"


def digest_feed_path(digest_id: str) -> str:
    """Relative path of a digest's Atom feed (its entries are the digests)."""
    return f"digests/{digest_id}.atom"


def channels_for(config: Config) -> list[Channel]:
    """Every published feed: everything, one per enabled source, one per tag in use, and
    one per topic feed."""
    site = config.site.title
    enabled = [source for source in config.sources if source.enabled]
    channels = [Channel("all", "", site)]
    channels += [Channel("source", source.id, f"{source.name} · {site}") for source in enabled]
    tags = sorted({tag for source in enabled for tag in source.tags})
    channels += [Channel("tag", tag, f"#{tag} · {site}") for tag in tags]
    channels += [
        Channel("topic", feed.id, f"{feed.title} · {site}", feed.query, feed.tags)
        for feed in config.feeds
    ]
    return channels


def feed_path(channel: Channel, fmt: FeedFormat) -> str:
    """Relative path of one feed file: `feeds/all.rss`, `feeds/source/<id>.atom`, ..."""
    return f"feeds/{channel.slug}.{fmt}"


def site_url(site: SiteSettings, path: str = "") -> str:
    """The public URL of a relative output path (base_url always ends with a slash)."""
    return urljoin(site.base_url, path)


def channel_page_url(site: SiteSettings, channel: Channel) -> str:
    """The human page of a channel: the index page, at the channel's own section."""
    if channel.kind == "all":
        return site_url(site, INDEX_PATH)
    return site_url(site, f"{INDEX_PATH}#{channel_anchor(channel)}")


def channel_anchor(channel: Channel) -> str:
    return "latest" if channel.kind == "all" else f"{channel.kind}-{channel.key}"


_UNPINNED = datetime.min.replace(tzinfo=UTC)


def select_items(stored: Iterable[StoredArticle], limit: int) -> list[StoredArticle]:
    """Pinned items first (latest pin first), then newest first by the date readers see,
    ties by article id, one item per id, capped.

    The tie-break is the article id rather than the store's order, so the same
    articles always give the same bytes whatever order they arrive in.
    """
    ordered = sorted(stored, key=lambda item: item.article.id)
    ordered.sort(key=lambda item: item.date, reverse=True)
    ordered.sort(key=lambda item: item.pinned_at or _UNPINNED, reverse=True)
    seen: set[str] = set()
    chosen: list[StoredArticle] = []
    for item in ordered:
        if item.article.id in seen:
            continue
        seen.add(item.article.id)
        chosen.append(item)
        if len(chosen) == limit:
            break
    return chosen


def feed_paths(channels: Sequence[Channel]) -> list[str]:
    """Every feed file the channels produce, in a stable order."""
    return [feed_path(channel, fmt) for channel in channels for fmt in FEED_FORMATS]
