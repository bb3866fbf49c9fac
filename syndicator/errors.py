"""The exceptions syndicator raises.

    SyndicatorError                 base: the CLI turns it into one line and an exit code
    ├── ConfigError                 sources.yaml or settings are invalid (.problems: every one)
    ├── FetchError                  a request gave no usable response (.url, .kind)
    │   ├── FetchTimeout            "timeout": connect, read or total deadline passed
    │   ├── NetworkError            "network": DNS, refused, reset, protocol error
    │   ├── HTTPStatusError         "http_status": a 4xx/5xx other than a Retry-After
    │   ├── RetryLater              "retry_after": 429/503, come back after .retry_after
    │   ├── TooManyRedirects        "too_many_redirects": a loop or a chain too long
    │   ├── BodyTooLarge            "body_too_large": more decoded bytes than max_bytes
    │   ├── RobotsDisallowed        "robots_disallowed": robots.txt says no; never fetched
    │   └── SSRFBlocked             "ssrf_blocked": a private or reserved address
    ├── ParseError                  "parse_error": a document we cannot read at all
    │   └── NotAFeed                "not_a_feed": e.g. an HTML challenge page for a feed
    ├── StoreError                  the database cannot be opened or written
    └── PublishError                an output file cannot be written

Ordinary rejections (an entry too short, a duplicate) are `models.Rejected` values,
not exceptions. Every `kind` above is what the fetch log and run report record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


class SyndicatorError(Exception):
    """Base class of every error syndicator raises on purpose."""

    kind = "error"


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a configuration file, located for a human."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class ConfigError(SyndicatorError):
    """The configuration is invalid; `problems` lists every problem found."""

    kind = "config"

    def __init__(self, problems: list[ConfigProblem] | tuple[ConfigProblem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in configuration:\n{lines}")


class FetchError(SyndicatorError):
    """A request did not produce a response we can use."""

    kind = "fetch"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class FetchTimeout(FetchError):
    kind = "timeout"


class NetworkError(FetchError):
    kind = "network"


class HTTPStatusError(FetchError):
    kind = "http_status"

    def __init__(self, message: str, *, url: str | None = None, status: int) -> None:
        super().__init__(message, url=url)
        self.status = status


class RetryLater(FetchError):
    """The server asked us to come back later (429/503 with Retry-After)."""

    kind = "retry_after"

    def __init__(
        self, message: str, *, url: str | None = None, status: int, retry_after: timedelta
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class TooManyRedirects(FetchError):
    kind = "too_many_redirects"


class BodyTooLarge(FetchError):
    kind = "body_too_large"


class RobotsDisallowed(FetchError):
    kind = "robots_disallowed"


class SSRFBlocked(FetchError):
    kind = "ssrf_blocked"


class ParseError(SyndicatorError):
    """A document could not be read at all (not merely a few bad bytes)."""

    kind = "parse_error"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class NotAFeed(ParseError):
    """A feed was expected but something else came back (e.g. an HTML challenge page)."""

    kind = "not_a_feed"


class StoreError(SyndicatorError):
    kind = "store"


class PublishError(SyndicatorError):
    kind = "publish"
