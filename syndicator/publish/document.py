"""A feed before it has a format: what RSS, Atom and JSON Feed all say about a channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..models import Channel
from .channels import FeedFormat
from .items import FeedItem

# An empty feed still needs an `updated` date. Taking the clock would change the bytes
# on every run, so an empty feed says it was last updated at this fixed moment.
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class OriginFeed:
    """The per-source feed an entry of a combined feed was copied from (Atom `source`)."""

    id: str
    title: str
    updated: datetime
    atom_url: str
    json_url: str
    page_url: str


@dataclass(frozen=True, slots=True)
class ChannelEntry:
    """One item as it appears in one channel."""

    item: FeedItem
    origin: OriginFeed | None = None


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """Everything one channel publishes, in every format."""

    channel: Channel
    title: str
    description: str
    language: str
    author: str
    page_url: str
    urls: Mapping[FeedFormat, str] = field(hash=False)
    entries: tuple[ChannelEntry, ...] = ()
    hub: str | None = None
    # Set by `slim()`: the entries are gone once rendered, their number and date stay.
    kept_count: int | None = None
    kept_updated: datetime | None = None

    @property
    def updated(self) -> datetime:
        """The newest item change: feed dates come from the items, never from the clock."""
        if self.kept_updated is not None:
            return self.kept_updated
        return max((entry.item.updated for entry in self.entries), default=EMPTY_FEED_UPDATED)

    @property
    def count(self) -> int:
        return self.kept_count if self.kept_count is not None else len(self.entries)

    def slim(self) -> FeedDocument:
        """This document without its entries (what the index page and OPML need of it)."""
        return replace(self, entries=(), kept_count=self.count, kept_updated=self.updated)
