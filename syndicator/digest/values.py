"""The values digests are made of: a built digest, its items, its archive record, a delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from ..models import Appearance, DigestSpec
from .periods import Period


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story as a digest shows it; every text is plain and every URL absolute."""

    story_id: str
    title: str
    link: str  # the page where we found it
    copy_url: str | None  # our ad-free copy (None: the source publishes excerpts only)
    source_name: str
    author: str | None
    when: datetime  # on the digest's clock
    summary: str
    publisher: str  # who published it first
    original_url: str  # where they did
    appearances: tuple[Appearance, ...] = ()

    @property
    def read_url(self) -> str:
        """Where the headline leads: our clean copy when there is one."""
        return self.copy_url or self.link


@dataclass(frozen=True, slots=True)
class DigestUrls:
    """Where a digest and what surrounds it are published."""

    html: str
    text: str
    markdown: str
    feed: str
    archive: str


@dataclass(frozen=True, slots=True)
class Digest:
    """One period's stories for one digest, grouped for reading, newest first in each group."""

    spec: DigestSpec
    period: Period
    site_title: str
    groups: tuple[tuple[str, tuple[DigestItem, ...]], ...]
    total: int  # stories in the period; more than `count` when capped by max_articles
    urls: DigestUrls

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.groups)

    @property
    def items(self) -> tuple[DigestItem, ...]:
        return tuple(item for _, items in self.groups for item in items)


@dataclass(frozen=True, slots=True)
class Issue:
    """A digest as the archive remembers it (one per digest id and period)."""

    digest_id: str
    first_day: date
    kind: str
    title: str
    stories: int
    start: datetime
    end: datetime
    feed_html: str  # what its Atom entry shows: the headlines, linked
    content_hash: str
    built_at: datetime
    changed_at: datetime  # when its content last changed
    dispatched_at: datetime | None = None  # when it was issued on schedule (and mail planned)


def stories_phrase(count: int) -> str:
    """`3 stories`, `1 story`, `no new articles`."""
    return "no new articles" if count == 0 else f"{count} {'story' if count == 1 else 'stories'}"


DeliveryStatus = Literal["pending", "sending", "sent", "failed"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One digest to one recipient. `sending` is left only by a process that died mid-send:
    it is never retried, so no one gets a digest twice."""

    digest_id: str
    first_day: date
    recipient: str
    status: DeliveryStatus
    attempts: int = 0
    planned_at: datetime | None = None
    last_error: str | None = None
