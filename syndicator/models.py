"""Values that flow between the pipeline stages.

Every value is a frozen, slotted dataclass; every datetime is timezone-aware UTC.
This module imports nothing of ours but `settings` (the configuration's values, which it
re-exports), so any stage may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from .settings import (
    Config as Config,
)
from .settings import (
    DigestPeriod as DigestPeriod,
)
from .settings import (
    DigestSettings as DigestSettings,
)
from .settings import (
    DigestSpec as DigestSpec,
)
from .settings import (
    EmailSettings as EmailSettings,
)
from .settings import (
    FetchSettings as FetchSettings,
)
from .settings import (
    MonitoringSettings as MonitoringSettings,
)
from .settings import (
    PublishMode as PublishMode,
)
from .settings import (
    PublishSettings as PublishSettings,
)
from .settings import (
    SiteSettings as SiteSettings,
)
from .settings import (
    Source as Source,
)
from .settings import (
    SourceKind as SourceKind,
)
from .settings import (
    SourceTest as SourceTest,
)
from .settings import (
    TopicFeed as TopicFeed,
)

ChannelKind = Literal["all", "source", "tag", "topic"]


# --- fetching -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP cache validators, stored per URL and sent back byte for byte."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True, slots=True)
class RobotsRecord:
    """A host's robots.txt as last fetched; `body` None means "allow everything"."""

    origin: str
    body: str | None
    fetched_at: datetime
    validators: Validators = field(default_factory=Validators)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response we accepted: 2xx with a body under the cap, or a 304."""

    requested_url: str
    url: str
    status: int
    body: bytes
    content_type: str | None
    encoding: str | None
    validators: Validators
    fetched_at: datetime
    elapsed: timedelta
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    fresh_until: datetime | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body decoded with the charset the fetcher settled on."""
        return self.body.decode(self.encoding or "utf-8", errors="replace")


# --- discovering and extracting -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One item a source lists: a feed entry or a link on an index page."""

    source_id: str
    entry_id: str
    url: str
    title: str = ""
    guid: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    summary_html: str = ""
    content_html: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    fingerprint: str = ""  # changes when what the source says about the entry changes


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Per-source extraction rules from `sources.yaml`, applied before the generic extractor."""

    content_selector: str | None = None
    remove_selectors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What a page says about itself that attribution needs (read by the extractor)."""

    url: str | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    site_name: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """The original source behind a republished article, and how we know."""

    original_url: str
    original_publisher: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned, sanitized, attributed article ready to store."""

    id: str
    url: str
    title: str
    content_html: str
    content_text: str
    canonical_url: str | None = None
    original_url: str | None = None
    original_publisher: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    image: str | None = None
    images: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = None
    content_hash: str = ""
    extracted_by: str = ""
    is_partial: bool = False
    partial_reason: str | None = None
    source_id: str | None = None
    entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """An entry we chose not to keep: an ordinary outcome, not an error."""

    url: str
    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class Failure:
    """Something that went wrong for one source, recorded with its stage and kind."""

    stage: str
    kind: str
    message: str
    url: str | None = None


# --- storing and publishing -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Appearance:
    """Another place a story was published."""

    source_id: str
    source_name: str
    url: str


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store returns it, with what only the store knows."""

    article: Article
    source_id: str
    first_seen: datetime
    changed_at: datetime
    story_id: str
    appearances: tuple[Appearance, ...] = ()
    pinned_at: datetime | None = None  # an editor pinned it: first in its feeds
    hidden: bool = False  # an editor hid it: in no output

    @property
    def date(self) -> datetime:
        """The date readers see: published upstream, else when we first saw it."""
        return self.article.published or self.first_seen


@dataclass(frozen=True, slots=True)
class Channel:
    """One published feed: everything, one source, one tag, or one topic."""

    kind: ChannelKind
    key: str = ""
    title: str = ""
    query: str = ""  # a topic's FTS5 query
    tags: tuple[str, ...] = ()  # a topic's tag restriction

    @property
    def slug(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}/{self.key}"


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the store remembers about checking one source (backoff, next check, last error)."""

    source_id: str
    last_checked: datetime | None = None
    last_success: datetime | None = None
    next_check: datetime | None = None
    failures: int = 0
    last_error_kind: str | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchLog:
    """One row of the fetch log: a request and what came of it."""

    at: datetime
    source_id: str
    url: str
    stage: str
    outcome: str
    status: int | None = None
    bytes: int = 0
    elapsed_ms: int = 0
    message: str = ""


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article ready for the store, with what was computed away from the event loop."""

    article: Article
    retry: bool = False  # the page could not be had: fetch it again next time
    signature: str = ""  # `stories.StorySignature.to_text()`; the store computes it if empty
    validators: tuple[tuple[str, Validators], ...] = ()  # the page's, saved with the article


@dataclass(frozen=True, slots=True)
class SourceUpdate:
    """What one pass learned about a source besides its articles (saved as they come)."""

    source_id: str
    checked_at: datetime
    seen_entries: tuple[tuple[str, str], ...] = ()  # (entry id, entry fingerprint)
    validators: tuple[tuple[str, Validators], ...] = ()
    log: tuple[FetchLog, ...] = ()
    state: SourceState | None = None


# --- reports --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestReport:
    """What producing one digest did: its files, and mail sent or failed (to retry)."""

    digest_id: str
    first_day: date
    stories: int | None = None  # None: not built this time (only mail was retried)
    written: tuple[str, ...] = ()  # paths whose bytes changed
    sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (recipient, reason)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What one pass did for one source."""

    source_id: str
    status: Literal["ok", "not_modified", "failed", "skipped"]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    partial: int = 0
    rejected: tuple[Rejected, ...] = ()
    failures: tuple[Failure, ...] = ()
    duration: timedelta = timedelta(0)
    note: str = ""


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one pass over the sources did."""

    started: datetime
    finished: datetime
    sources: tuple[SourceReport, ...] = ()
    published: tuple[str, ...] = ()
    digests: tuple[DigestReport, ...] = ()

    @property
    def new(self) -> int:
        return sum(report.new for report in self.sources)

    @property
    def failed(self) -> int:
        return sum(1 for report in self.sources if report.status == "failed")
