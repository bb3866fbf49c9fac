"""Publishing: feeds, OPML and the index page, written atomically, announced to a hub.

    channels_for(config)                 every feed: all, one per enabled source, one per tag
    render_outputs(config, feeds)        pure: relative path -> bytes of every output file
    iter_outputs(config, articles)       the same files one at a time, channels read lazily
    write_outputs(target, files)         write through an OutputTarget; the changed paths
    LocalFolder(root)                    the first target: atomic, writes only changed bytes
    changed_feed_urls(config, paths)     the public URLs of the changed feed files
    notify_hub(client, hub, feed_urls)   WebSub publish pings; failures as values

Module map: `channels` (which feeds, their paths and URLs, item selection), `items` (an
article as every format publishes it), `hygiene` (feed-safe text and HTML), `xmlfeeds`
(RSS/Atom via feedgen, with its bugs worked around), `jsonfeed`, `opml`, `page` (the
index page), `render` (all of the above), `target` (atomic writes), `websub`.
"""

from __future__ import annotations

from .channels import (
    FEED_FORMATS,
    MEDIA_TYPES,
    FeedFormat,
    channel_page_url,
    channels_for,
    feed_path,
    site_url,
)
from .items import item_id
from .render import build_documents, changed_feed_urls, iter_outputs, render_outputs
from .target import LocalFolder, OutputTarget, write_outputs
from .websub import notify_hub

__all__ = [
    "FEED_FORMATS",
    "MEDIA_TYPES",
    "FeedFormat",
    "LocalFolder",
    "OutputTarget",
    "build_documents",
    "changed_feed_urls",
    "channel_page_url",
    "channels_for",
    "feed_path",
    "item_id",
    "iter_outputs",
    "notify_hub",
    "render_outputs",
    "site_url",
    "write_outputs",
]
