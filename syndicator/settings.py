"""The configuration as values: what `sources.yaml` says, validated (see `config.py`).

Every value is a frozen, slotted dataclass. This module imports nothing of ours;
`models` re-exports it, so stages name these as `models.Config`, `models.Source`, ….
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Literal

SourceKind = Literal["feed", "html"]
PublishMode = Literal["full", "summary"]
DigestPeriod = Literal["daily", "weekly"]


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how defensively we fetch (the `fetch:` section)."""

    allow_hosts: tuple[str, ...] = ()
    concurrency: int = 32
    per_host_concurrency: int = 2
    per_host_delay: timedelta = timedelta(seconds=1)
    timeout: timedelta = timedelta(seconds=30)
    connect_timeout: timedelta = timedelta(seconds=10)
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "syndicator (+https://github.com/syndicator/syndicator)"
    robots_ttl: timedelta = timedelta(hours=24)
    max_backoff: timedelta = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Where and how the output is served (the `site:` section)."""

    title: str = "Defense News Syndicator"
    base_url: str = "http://127.0.0.1:8080/"
    description: str = "Clean, attributed, ad-free defense news."
    language: str = "en"
    websub_hub: str | None = None


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """What goes into the published feeds (the `publish:` section)."""

    items_per_feed: int = 50
    summary_chars: int = 400


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """SMTP delivery of digests (the `digest.email:` section); off when `to` is empty."""

    smtp_host: str = "localhost"
    smtp_port: int = 587
    starttls: bool = True
    username: str | None = None
    password_env: str | None = None
    sender: str = "syndicator@localhost"
    to: tuple[str, ...] = ()
    unsubscribe: str | None = None  # mailto address for List-Unsubscribe (default: sender)
    unsubscribe_url: str | None = None  # one-click URL; {recipient} and {digest} filled in


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """How digests are built (the `digest:` section)."""

    group_by: Literal["tag", "source"] = "tag"
    max_articles: int = 200
    email: EmailSettings = field(default_factory=EmailSettings)


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    """What operators watch (the `monitoring:` section)."""

    metrics_file: Path | None = None
    max_failures: int = 3


@dataclass(frozen=True, slots=True)
class SourceTest:
    """A regression test of a source's cleaning: one page and what its clean text says."""

    url: str
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestSpec:
    """One digest (an entry of `digests:`): which stories, how often, when, to whom."""

    id: str
    title: str
    period: DigestPeriod = "daily"
    at: time = time(6, 0)  # local time, in `timezone`, when a period's digest is due
    timezone: str = "UTC"  # IANA name, checked when the file is loaded
    tags: tuple[str, ...] = ()  # filters: a story of any of these tags / sources
    sources: tuple[str, ...] = ()
    recipients: tuple[str, ...] | None = None  # None: digest.email.to
    feed: str | None = None  # a topic feed's id: only its stories


@dataclass(frozen=True, slots=True)
class Source:
    """One editor-curated source from `sources.yaml`."""

    id: str
    name: str
    url: str
    kind: SourceKind = "feed"
    homepage: str | None = None
    link_selector: str | None = None
    full_text: bool = True
    content_selector: str | None = None
    remove_selectors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    interval: timedelta = timedelta(minutes=30)
    enabled: bool = True
    publish: PublishMode = "full"
    publisher: str | None = None
    user_agent: str | None = None
    max_entries: int = 30
    tests: tuple[SourceTest, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicFeed:
    """A feed that cuts across sources: stored articles matching a full-text query."""

    id: str
    title: str
    query: str  # SQLite FTS5 syntax over titles and text
    tags: tuple[str, ...] = ()  # only articles carrying one of these tags


@dataclass(frozen=True, slots=True)
class Config:
    """Everything one run needs, loaded and validated from `sources.yaml`."""

    path: Path
    database: Path
    output_dir: Path
    site: SiteSettings = field(default_factory=SiteSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    sources: tuple[Source, ...] = ()
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    feeds: tuple[TopicFeed, ...] = ()
    digests: tuple[DigestSpec, ...] = ()

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def feed(self, feed_id: str) -> TopicFeed:
        for feed in self.feeds:
            if feed.id == feed_id:
                return feed
        raise KeyError(feed_id)
