"""Every configuration key, declared once as data.

The same tables drive validation and defaults (`config.py`) and the reference in the
README (a test checks that every key here is documented there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from .config_types import (
    Parser,
    base_url,
    boolean,
    choice,
    clock_time,
    duration_at_least,
    email,
    fts_query,
    host,
    integer,
    list_of,
    optional_email,
    optional_selector,
    optional_slug,
    optional_soup_selector,
    optional_string,
    optional_url,
    parse_duration,
    parse_size,
    path,
    selector,
    slug,
    string,
    time_zone,
    url,
)
from .models import (
    DigestSettings,
    DigestSpec,
    EmailSettings,
    FetchSettings,
    MonitoringSettings,
    PublishSettings,
    SiteSettings,
)

# --- the schema: every key, its parser, default and meaning ---------------------------


@dataclass(frozen=True, slots=True)
class Key:
    """One configuration key, declared as data."""

    name: str
    parse: Parser
    default: Any
    doc: str
    required: bool = False
    field: str | None = None  # the dataclass field when it differs from `name`
    shown: str | None = None  # how the reference shows the default, when str() is unclear

    @property
    def attribute(self) -> str:
        return self.field or self.name


_FETCH = FetchSettings()
_SITE = SiteSettings()
_PUBLISH = PublishSettings()
_DIGEST = DigestSettings()
_EMAIL = EmailSettings()
_MONITORING = MonitoringSettings()
_SPEC = DigestSpec("daily", "")

SITE_KEYS = (
    Key("title", string, _SITE.title, "Title of the combined feeds and the index page."),
    Key(
        "base_url",
        base_url,
        _SITE.base_url,
        "Public URL where output_dir is served; self links and OPML use it.",
    ),
    Key("description", string, _SITE.description, "One-line description used in the feeds."),
    Key("language", string, _SITE.language, "Language code of the feeds."),
    Key(
        "websub_hub",
        optional_url,
        None,
        "WebSub hub to advertise in feeds and to notify after a publish that changed them.",
    ),
)

FETCH_KEYS = (
    Key(
        "allow_hosts",
        list_of(host),
        (),
        "Private or loopback hosts/networks that may be fetched (SSRF exemption); none by default.",
    ),
    Key("concurrency", integer(1, 1024), _FETCH.concurrency, "Requests in flight overall."),
    Key(
        "per_host_concurrency",
        integer(1, 64),
        _FETCH.per_host_concurrency,
        "Requests in flight to one host.",
    ),
    Key(
        "per_host_delay",
        parse_duration,
        _FETCH.per_host_delay,
        "Minimum gap between two requests to one host (0s allowed).",
    ),
    Key(
        "timeout",
        duration_at_least(timedelta(milliseconds=100)),
        _FETCH.timeout,
        "Total deadline per request: connect, headers and body.",
    ),
    Key(
        "connect_timeout",
        duration_at_least(timedelta(milliseconds=100)),
        _FETCH.connect_timeout,
        "Deadline for opening a connection.",
    ),
    Key(
        "max_bytes",
        parse_size,
        _FETCH.max_bytes,
        "Body cap, counted on decoded bytes.",
        shown="`10MB`",
    ),
    Key("max_redirects", integer(0, 20), _FETCH.max_redirects, "Redirects followed at most."),
    Key(
        "user_agent",
        string,
        None,
        "User-Agent sent with every request; default names syndicator and site.base_url.",
    ),
    Key(
        "robots_ttl",
        duration_at_least(timedelta(minutes=1)),
        _FETCH.robots_ttl,
        "How long a host's robots.txt is trusted before it is fetched again.",
    ),
    Key(
        "max_backoff",
        duration_at_least(timedelta(minutes=1)),
        _FETCH.max_backoff,
        "Longest pause for a source after consecutive failures (backoff never disables it).",
    ),
)

PUBLISH_KEYS = (
    Key(
        "items_per_feed",
        integer(1, 10_000),
        _PUBLISH.items_per_feed,
        "Most items in one published feed, newest first.",
    ),
    Key(
        "summary_chars",
        integer(80, 5000),
        _PUBLISH.summary_chars,
        "Length of the plain-text excerpt used for summaries.",
    ),
)

EMAIL_KEYS = (
    Key("smtp_host", string, _EMAIL.smtp_host, "SMTP server that sends digests."),
    Key("smtp_port", integer(1, 65535), _EMAIL.smtp_port, "SMTP port."),
    Key("starttls", boolean, _EMAIL.starttls, "Upgrade the SMTP connection with STARTTLS."),
    Key("username", optional_string, None, "SMTP user name, if the server needs a login."),
    Key(
        "password_env",
        optional_string,
        None,
        "Name of the environment variable holding the SMTP password (never the password).",
    ),
    Key("from", email, _EMAIL.sender, "Sender address of digest mail.", field="sender"),
    Key(
        "to",
        list_of(email),
        (),
        "Recipients of every digest without `recipients` of its own; none: no mail.",
    ),
    Key(
        "unsubscribe",
        optional_email,
        None,
        "Address of the List-Unsubscribe mailto link (default: the `from` address).",
    ),
    Key(
        "unsubscribe_url",
        optional_url,
        None,
        "One-click unsubscribe URL (RFC 8058); `{recipient}` and `{digest}` are filled in.",
    ),
)

DIGEST_KEYS = (
    Key(
        "group_by",
        choice("tag", "source"),
        _DIGEST.group_by,
        "Group digest articles by their first tag or by source.",
    ),
    Key(
        "max_articles",
        integer(1, 10_000),
        _DIGEST.max_articles,
        "Most articles in one digest.",
    ),
)

MONITORING_KEYS = (
    Key(
        "metrics_file",
        path,
        None,
        "Prometheus metrics written here after each run (node_exporter's textfile collector).",
    ),
    Key(
        "max_failures",
        integer(0, 1000),
        _MONITORING.max_failures,
        "`syndicator status` exits 3 when an enabled source failed more times in a row.",
    ),
)

DIGEST_ENTRY_KEYS = (
    Key("id", slug, None, "Unique slug; names its files (digests/<id>/<date>.html).", True),
    Key("title", string, None, "Heading and mail subject (default: site title and period)."),
    Key("period", choice("daily", "weekly"), _SPEC.period, "daily, or weekly (from Monday)."),
    Key(
        "at",
        clock_time,
        _SPEC.at,
        'Local time ("HH:MM", quoted) when the digest of the period just ended is due.',
        shown='`"06:00"`',
    ),
    Key("timezone", time_zone, _SPEC.timezone, "IANA time zone of days, weeks and `at`."),
    Key("tags", list_of(slug), (), "Only stories carrying one of these tags (default: all)."),
    Key("sources", list_of(slug), (), "Only stories from one of these sources (default: all)."),
    Key(
        "feed",
        optional_slug,
        None,
        "Only stories of this topic feed (an id of `feeds:`; default: all).",
    ),
    Key(
        "recipients",
        list_of(email),
        None,
        "Who gets it by mail (default: digest.email.to; [] mails nobody).",
        shown="`digest.email.to`",
    ),
)

SOURCE_KEYS = (
    Key("id", slug, None, "Unique slug; names the source's feeds (feeds/source/<id>.rss).", True),
    Key("name", string, None, "Human name shown in feeds and digests.", True),
    Key("url", url, None, "Feed URL (kind feed) or index page URL (kind html).", True),
    Key("kind", choice("feed", "html"), "feed", "feed (RSS, Atom, JSON Feed) or html."),
    Key("homepage", optional_url, None, "The site's home page (OPML htmlUrl, digests)."),
    Key(
        "link_selector",
        optional_soup_selector,
        None,
        "kind html only: CSS selector of the links to articles on the index page.",
    ),
    Key("full_text", boolean, True, "Fetch each article page for its full text."),
    Key("content_selector", optional_selector, None, "Site rule: CSS selector of the body."),
    Key(
        "remove_selectors",
        list_of(selector),
        (),
        "Site rule: CSS selectors removed from the body before cleaning.",
    ),
    Key("tags", list_of(slug), (), "Tags; each tag gets its own feeds."),
    Key(
        "interval",
        duration_at_least(timedelta(minutes=1)),
        timedelta(minutes=30),
        "How often the worker checks this source.",
    ),
    Key("enabled", boolean, True, "Disabled sources are kept but never fetched."),
    Key(
        "publish",
        choice("full", "summary"),
        "full",
        "full: publish the cleaned text; summary: headline, short excerpt and link only.",
    ),
    Key(
        "publisher",
        optional_string,
        None,
        "Organisation whose own stories this source carries, credited as the original.",
    ),
    Key("user_agent", optional_string, None, "User-Agent for this source only."),
    Key(
        "max_entries",
        integer(1, 1000),
        30,
        "Most entries taken from one fetch of the source, newest first.",
    ),
    Key(
        "tests",
        list,
        None,
        "Regression tests of this source's cleaning, run by `syndicator sources test` (list).",
    ),
)

TEST_KEYS = (
    Key("url", url, None, "An article page of the source.", True),
    Key(
        "contains",
        list_of(string),
        (),
        "Texts the cleaned article text must contain (exact, case-sensitive).",
    ),
    Key(
        "not_contains",
        list_of(string),
        (),
        "Texts that must appear in neither the cleaned text nor its HTML.",
    ),
)

FEED_KEYS = (
    Key("id", slug, None, "Unique slug; names the feed's files (feeds/topic/<id>.rss).", True),
    Key("title", string, None, "Title of the feed.", True),
    Key(
        "query",
        fts_query,
        None,
        "SQLite FTS5 query over article titles and text; checked when the file is loaded.",
        True,
    ),
    Key(
        "tags",
        list_of(slug),
        (),
        "Only articles carrying one of these tags (their source's, or an editor's).",
    ),
)

TOP_KEYS = (
    Key("site", dict, None, "Where the output is served (section)."),
    Key("database", path, Path("db/syndicator.db"), "SQLite database, relative to this file."),
    Key(
        "output_dir",
        path,
        Path("public"),
        "Folder the feeds are written to, relative to this file.",
    ),
    Key("fetch", dict, None, "Politeness and safety limits (section)."),
    Key("publish", dict, None, "What goes into the published feeds (section)."),
    Key("digest", dict, None, "Digest settings (section)."),
    Key("monitoring", dict, None, "Health checks and metrics (section)."),
    Key("sources", list, None, "The editor-curated sources (list).", True),
    Key("feeds", list, None, "Topic feeds that cut across sources (list)."),
    Key(
        "digests",
        list,
        None,
        "The digests (list); without it, a daily and a weekly digest of everything.",
    ),
)

SCHEMA: dict[str, tuple[Key, ...]] = {
    "": TOP_KEYS,
    "site": SITE_KEYS,
    "fetch": FETCH_KEYS,
    "publish": PUBLISH_KEYS,
    "digest": (*DIGEST_KEYS, Key("email", dict, None, "SMTP delivery (section).")),
    "digest.email": EMAIL_KEYS,
    "monitoring": MONITORING_KEYS,
    "sources[]": SOURCE_KEYS,
    "sources[].tests[]": TEST_KEYS,
    "feeds[]": FEED_KEYS,
    "digests[]": DIGEST_ENTRY_KEYS,
}
