"""robots.txt: where records are cached, and what a robots.txt answer means (RFC 9309).

The `Fetcher` does the HTTP; this module decides what a status means:

* 2xx: the rules in the body (only the first 512 KiB are read, as RFC 9309 allows);
* 304: the cached rules are still good;
* 4xx other than 429: no rules, everything is allowed;
* 429, 5xx, or no answer at all: "unreachable". RFC 9309 says to assume complete
  disallow. We do that, except that a stale copy we already have is used instead (the
  RFC allows it) — a site's rules rarely change during an outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from protego import Protego

from ..errors import FetchError, RobotsDisallowed
from ..models import RobotsRecord

ROBOTS_MAX_BYTES = 512 * 1024
# After robots.txt could not be read, pages on that origin are refused without asking
# again for this long (within one run), so a failing host gets one request, not fifty.
UNREACHABLE_RECHECK = timedelta(minutes=10)


class RobotsCache(Protocol):
    """Where robots.txt records live between runs (the store keeps them in SQLite)."""

    def get(self, origin: str) -> RobotsRecord | None: ...

    def put(self, record: RobotsRecord) -> None: ...


class MemoryRobotsCache:
    """A `RobotsCache` in a dict: the default, and enough for one process."""

    def __init__(self) -> None:
        self._records: dict[str, RobotsRecord] = {}

    def get(self, origin: str) -> RobotsRecord | None:
        return self._records.get(origin)

    def put(self, record: RobotsRecord) -> None:
        self._records[record.origin] = record


def origin_of(url: str) -> str:
    """scheme://host[:port] in lower case, default ports left out: robots.txt's scope."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{scheme}://{host}{port}"


def robots_url(origin: str) -> str:
    return origin + "/robots.txt"


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin allows, valid until `expires_at`."""

    origin: str
    expires_at: datetime
    parser: Protego | None = None  # None: everything allowed
    # Set when robots.txt could not be read and no copy was cached: every URL is refused
    # with an error of this type and message.
    refusal: tuple[type[FetchError], str] | None = None

    @classmethod
    def from_record(
        cls, record: RobotsRecord, *, ttl: timedelta, until: datetime | None = None
    ) -> RobotsRules:
        """Rules of a record, trusted for `ttl` after it was fetched (or until `until`)."""
        parser = Protego.parse(record.body) if record.body is not None else None
        return cls(record.origin, until or record.fetched_at + ttl, parser)

    @classmethod
    def unreachable(
        cls, origin: str, error: type[FetchError], reason: str, *, until: datetime
    ) -> RobotsRules:
        """Every URL refused with `error` until `until`: robots.txt could not be read."""
        message = f"robots.txt of {origin} could not be read ({reason}); assuming disallow"
        return cls(origin, until, refusal=(error, message))

    def fresh(self, now: datetime) -> bool:
        return now < self.expires_at

    def check(self, url: str, user_agent: str) -> None:
        """Raise unless `url` may be fetched by `user_agent`."""
        if self.refusal is not None:
            error, message = self.refusal
            raise error(message, url=url)
        if self.parser is not None and not self.parser.can_fetch(url, user_agent):
            raise RobotsDisallowed(f"robots.txt of {self.origin} disallows {url}", url=url)

    def crawl_delay(self, user_agent: str) -> timedelta | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return timedelta(seconds=float(delay)) if delay else None


def record_is_fresh(record: RobotsRecord, *, now: datetime, ttl: timedelta) -> bool:
    return now < record.fetched_at + ttl
