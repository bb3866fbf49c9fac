"""Load and validate `sources.yaml` into a `Config`.

Every setting is declared once, as data (`SCHEMA`), with its type, default and a
one-line description; the same table drives validation, defaults and the reference
documentation. Validation collects *every* problem with file, line and key before
raising one `ConfigError`, so an editor fixes a file in one go.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from cssselect import GenericTranslator, SelectorError

from . import __version__
from .errors import ConfigError, ConfigProblem
from .models import (
    Config,
    DigestSettings,
    EmailSettings,
    FetchSettings,
    PublishSettings,
    SiteSettings,
    Source,
)

DEFAULT_CONFIG = Path("sources.yaml")


class _Invalid(ValueError):
    """A value does not fit its key; the message says what was expected."""


# --- value parsers: YAML node -> Python value, or _Invalid ----------------------------

Parser = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected a non-empty string, got {_shown(value)}")
    return value.strip()


def _optional_string(value: Any) -> str | None:
    return None if value is None else _string(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {_shown(value)}")
    return value


def _integer(low: int, high: int) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"expected a whole number, got {_shown(value)}")
        if not low <= value <= high:
            raise _Invalid(f"expected a number from {low} to {high}, got {value}")
        return value

    return parse


_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")


def parse_duration(value: Any) -> timedelta:
    """`90`, `90s`, `30m`, `1h30m`, `1d`, `250ms` -> timedelta (a bare number is seconds)."""
    if isinstance(value, bool):
        raise _Invalid(f"expected a duration like 30s, 15m or 2h, got {_shown(value)}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().lower().replace(" ", "")
        parts = list(_DURATION_PART.finditer(text))
        if not parts or "".join(part.group(0) for part in parts) != text:
            raise _Invalid(f"expected a duration like 30s, 15m or 2h, got {_shown(value)}")
        seconds = sum(float(part.group(1)) * _DURATION_UNITS[part.group(2)] for part in parts)
    else:
        raise _Invalid(f"expected a duration like 30s, 15m or 2h, got {_shown(value)}")
    if seconds < 0:
        raise _Invalid("a duration cannot be negative")
    return timedelta(seconds=seconds)


def _duration_at_least(minimum: timedelta) -> Parser:
    def parse(value: Any) -> timedelta:
        duration = parse_duration(value)
        if duration < minimum:
            raise _Invalid(f"must be at least {_format_duration(minimum)}")
        return duration

    return parse


_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}


def parse_size(value: Any) -> int:
    """`10MB` (decimal), `10MiB` (binary) or a number of bytes -> int."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", value)
        unit = match.group(2).lower() if match else ""
        if not match or unit not in _SIZE_UNITS:
            raise _Invalid(f"expected a size like 512KB or 10MB, got {_shown(value)}")
        size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    else:
        raise _Invalid(f"expected a size like 512KB or 10MB, got {_shown(value)}")
    if size < 1024:
        raise _Invalid("must be at least 1KiB")
    return size


def _url(value: Any) -> str:
    text = _string(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Invalid(f"expected an absolute http(s) URL, got {_shown(value)}")
    return text


def _optional_url(value: Any) -> str | None:
    return None if value is None else _url(value)


def _base_url(value: Any) -> str:
    text = _url(value)
    return text if text.endswith("/") else text + "/"


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def _slug(value: Any) -> str:
    text = _string(value)
    if not _SLUG.fullmatch(text):
        raise _Invalid(
            f"expected a slug (lower-case letters, digits, '-' or '_'), got {_shown(value)}"
        )
    return text


def _choice(*choices: str) -> Parser:
    def parse(value: Any) -> str:
        if value not in choices:
            raise _Invalid(f"expected one of {', '.join(choices)}, got {_shown(value)}")
        return str(value)

    return parse


_TRANSLATOR = GenericTranslator()


def _selector(value: Any) -> str:
    text = _string(value)
    try:
        _TRANSLATOR.css_to_xpath(text)
    except SelectorError as exc:
        raise _Invalid(f"invalid CSS selector {text!r}: {exc}") from None
    return text


def _optional_selector(value: Any) -> str | None:
    return None if value is None else _selector(value)


def _host(value: Any) -> str:
    text = _string(value).lower()
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        pass
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", text):
        raise _Invalid(f"expected a host name, IP address or network, got {_shown(value)}")
    return text


def _email(value: Any) -> str:
    text = _string(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        raise _Invalid(f"expected an e-mail address, got {_shown(value)}")
    return text


def _list_of(item: Parser) -> Parser:
    def parse(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise _Invalid(f"expected a list, got {_shown(value)}")
        return tuple(item(element) for element in value)

    return parse


def _path(value: Any) -> Path:
    return Path(_string(value))


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _format_duration(value: timedelta) -> str:
    seconds = value.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


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

    @property
    def attribute(self) -> str:
        return self.field or self.name


_FETCH = FetchSettings()
_SITE = SiteSettings()
_PUBLISH = PublishSettings()
_DIGEST = DigestSettings()
_EMAIL = EmailSettings()

SITE_KEYS = (
    Key("title", _string, _SITE.title, "Title of the combined feeds and the index page."),
    Key(
        "base_url",
        _base_url,
        _SITE.base_url,
        "Public URL where output_dir is served; self links and OPML use it.",
    ),
    Key("description", _string, _SITE.description, "One-line description used in the feeds."),
    Key("language", _string, _SITE.language, "Language code of the feeds (RSS <language>)."),
    Key(
        "websub_hub",
        _optional_url,
        None,
        "WebSub hub to advertise in feeds and to notify after a publish that changed them.",
    ),
)

FETCH_KEYS = (
    Key(
        "allow_hosts",
        _list_of(_host),
        (),
        "Private or loopback hosts/networks that may be fetched (SSRF exemption); none by default.",
    ),
    Key("concurrency", _integer(1, 1024), _FETCH.concurrency, "Requests in flight overall."),
    Key(
        "per_host_concurrency",
        _integer(1, 64),
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
        _duration_at_least(timedelta(milliseconds=100)),
        _FETCH.timeout,
        "Total deadline per request: connect, headers and body.",
    ),
    Key(
        "connect_timeout",
        _duration_at_least(timedelta(milliseconds=100)),
        _FETCH.connect_timeout,
        "Deadline for opening a connection.",
    ),
    Key("max_bytes", parse_size, _FETCH.max_bytes, "Body cap, counted on decoded bytes."),
    Key("max_redirects", _integer(0, 20), _FETCH.max_redirects, "Redirects followed at most."),
    Key(
        "user_agent",
        _string,
        None,
        "User-Agent sent with every request; default names syndicator and site.base_url.",
    ),
    Key(
        "robots_ttl",
        _duration_at_least(timedelta(minutes=1)),
        _FETCH.robots_ttl,
        "How long a host's robots.txt is trusted before it is fetched again.",
    ),
    Key(
        "max_backoff",
        _duration_at_least(timedelta(minutes=1)),
        _FETCH.max_backoff,
        "Longest pause for a source after consecutive failures (backoff never disables it).",
    ),
)

PUBLISH_KEYS = (
    Key(
        "items_per_feed",
        _integer(1, 10_000),
        _PUBLISH.items_per_feed,
        "Most items in one published feed, newest first.",
    ),
    Key(
        "summary_chars",
        _integer(80, 5000),
        _PUBLISH.summary_chars,
        "Length of the plain-text excerpt used for summaries.",
    ),
)

EMAIL_KEYS = (
    Key("smtp_host", _string, _EMAIL.smtp_host, "SMTP server that sends digests."),
    Key("smtp_port", _integer(1, 65535), _EMAIL.smtp_port, "SMTP port."),
    Key("starttls", _boolean, _EMAIL.starttls, "Upgrade the SMTP connection with STARTTLS."),
    Key("username", _optional_string, None, "SMTP user name, if the server needs a login."),
    Key(
        "password_env",
        _optional_string,
        None,
        "Name of the environment variable holding the SMTP password (never the password).",
    ),
    Key("from", _email, _EMAIL.sender, "Sender address of digest mail.", field="sender"),
    Key("to", _list_of(_email), (), "Recipients; digests are mailed only when this is set."),
)

DIGEST_KEYS = (
    Key(
        "group_by",
        _choice("tag", "source"),
        _DIGEST.group_by,
        "Group digest articles by their first tag or by source.",
    ),
    Key(
        "max_articles",
        _integer(1, 10_000),
        _DIGEST.max_articles,
        "Most articles in one digest.",
    ),
)

SOURCE_KEYS = (
    Key("id", _slug, None, "Unique slug; names the source's feeds (feeds/source/<id>.rss).", True),
    Key("name", _string, None, "Human name shown in feeds and digests.", True),
    Key("url", _url, None, "Feed URL (kind feed) or index page URL (kind html).", True),
    Key("kind", _choice("feed", "html"), "feed", "feed (RSS, Atom, JSON Feed) or html."),
    Key("homepage", _optional_url, None, "The site's home page (OPML htmlUrl, digests)."),
    Key(
        "link_selector",
        _optional_selector,
        None,
        "kind html only: CSS selector of the links to articles on the index page.",
    ),
    Key("full_text", _boolean, True, "Fetch each article page for its full text."),
    Key("content_selector", _optional_selector, None, "Site rule: CSS selector of the body."),
    Key(
        "remove_selectors",
        _list_of(_selector),
        (),
        "Site rule: CSS selectors removed from the body before cleaning.",
    ),
    Key("tags", _list_of(_slug), (), "Tags; each tag gets its own feeds."),
    Key(
        "interval",
        _duration_at_least(timedelta(minutes=1)),
        timedelta(minutes=30),
        "How often the worker checks this source.",
    ),
    Key("enabled", _boolean, True, "Disabled sources are kept but never fetched."),
    Key(
        "publish",
        _choice("full", "summary"),
        "full",
        "full: publish the cleaned text; summary: headline, short excerpt and link only.",
    ),
    Key(
        "publisher",
        _optional_string,
        None,
        "Organisation whose own stories this source carries, credited as the original.",
    ),
    Key("user_agent", _optional_string, None, "User-Agent for this source only."),
    Key(
        "max_entries",
        _integer(1, 1000),
        30,
        "Most entries taken from one fetch of the source, newest first.",
    ),
)

TOP_KEYS = (
    Key("site", dict, None, "Where the output is served (section)."),
    Key("database", _path, Path("db/syndicator.db"), "SQLite database, relative to this file."),
    Key("output_dir", _path, Path("public"), "Folder the feeds are written to, relative to this file."),
    Key("fetch", dict, None, "Politeness and safety limits (section)."),
    Key("publish", dict, None, "What goes into the published feeds (section)."),
    Key("digest", dict, None, "Digest settings (section)."),
    Key("sources", list, None, "The editor-curated sources (list).", True),
)

SCHEMA: dict[str, tuple[Key, ...]] = {
    "": TOP_KEYS,
    "site": SITE_KEYS,
    "fetch": FETCH_KEYS,
    "publish": PUBLISH_KEYS,
    "digest": DIGEST_KEYS + (Key("email", dict, None, "SMTP delivery (section)."),),
    "digest.email": EMAIL_KEYS,
    "sources[]": SOURCE_KEYS,
}


def documented_keys() -> Iterator[tuple[str, Key]]:
    """Every key as (dotted path, Key): what the README's reference must cover."""
    for section, keys in SCHEMA.items():
        for key in keys:
            yield (f"{section}.{key.name}" if section else key.name), key


# --- walking the YAML tree ------------------------------------------------------------


class _Checker:
    """Collects problems while turning YAML nodes into values."""

    def __init__(self, file: str, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.problems: list[ConfigProblem] = []

    def problem(self, node: yaml.Node | None, key: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(ConfigProblem(self.file, line, key, message))

    def section(
        self, node: yaml.Node | None, path: str, keys: tuple[Key, ...]
    ) -> tuple[dict[str, Any], dict[str, yaml.Node]]:
        """Check one mapping: unknown, duplicate and missing keys, and each value.

        Returns the parsed values by dataclass attribute, and the raw nodes of the keys
        that are themselves sections or lists, for the caller to walk.
        """
        values: dict[str, Any] = {}
        nested: dict[str, yaml.Node] = {}
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            return values, nested
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path or "(top)", "expected a mapping of keys to values")
            return values, nested
        by_name = {key.name: key for key in keys}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            dotted = f"{path}.{name}" if path else name
            key = by_name.get(name)
            if name in seen:
                self.problem(key_node, dotted, "duplicate key")
                continue
            seen.add(name)
            if key is None:
                hint = difflib.get_close_matches(name, list(by_name), n=1)
                suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(key_node, dotted, f"unknown key{suffix}")
            elif key.parse in (dict, list):
                nested[name] = value_node
            else:
                try:
                    value = self.loader.construct_object(value_node, deep=True)
                    values[key.attribute] = key.parse(value)
                except _Invalid as exc:
                    self.problem(value_node, dotted, str(exc))
        for key in keys:
            if key.required and key.name not in seen:
                dotted = f"{path}.{key.name}" if path else key.name
                self.problem(node, dotted, "required key is missing")
        return values, nested


def load_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    """Read, validate and resolve a configuration file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(path), None, "(file)", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        problem = ConfigProblem(str(path), None, "(file)", f"cannot read: {exc}")
        raise ConfigError([problem]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate configuration text that was read from `path` (used for messages and paths)."""
    file = str(path)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        problem = ConfigProblem(file, line, "(syntax)", f"not valid YAML: {reason}")
        raise ConfigError([problem]) from None
    check = _Checker(file, loader)
    try:
        top, sections = check.section(root, "", TOP_KEYS)
        site = replace(_SITE, **check.section(sections.get("site"), "site", SITE_KEYS)[0])
        fetch_values = check.section(sections.get("fetch"), "fetch", FETCH_KEYS)[0]
        fetch_values.setdefault("user_agent", f"syndicator/{__version__} (+{site.base_url})")
        publish_values = check.section(sections.get("publish"), "publish", PUBLISH_KEYS)[0]
        digest_values, digest_sections = check.section(
            sections.get("digest"), "digest", SCHEMA["digest"]
        )
        email_values = check.section(digest_sections.get("email"), "digest.email", EMAIL_KEYS)[0]
        sources = _sources(check, sections.get("sources"))
    finally:
        loader.dispose()
    if check.problems:
        raise ConfigError(check.problems)
    folder = path.parent
    return Config(
        path=path,
        database=_resolve(folder, top.get("database", Path("db/syndicator.db"))),
        output_dir=_resolve(folder, top.get("output_dir", Path("public"))),
        site=site,
        fetch=replace(_FETCH, **fetch_values),
        publish=replace(_PUBLISH, **publish_values),
        digest=replace(_DIGEST, email=replace(_EMAIL, **email_values), **digest_values),
        sources=sources,
    )


def _sources(check: _Checker, node: yaml.Node | None) -> tuple[Source, ...]:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        check.problem(node, "sources", "expected a list of sources")
        return ()
    sources: list[Source] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(node.value):
        path = f"sources[{_source_label(item, index)}]"
        before = len(check.problems)
        values, _ = check.section(item, path, SOURCE_KEYS)
        source_id = values.get("id")
        if source_id in first_line:
            message = f"duplicate id (first used on line {first_line[source_id]})"
            check.problem(item, f"{path}.id", message)
        elif source_id is not None:
            first_line[source_id] = item.start_mark.line + 1
        if len(check.problems) > before:
            continue
        kind = values.get("kind", "feed")
        if kind == "html" and not values.get("link_selector"):
            check.problem(item, f"{path}.link_selector", "required when kind is html")
        elif kind == "feed" and values.get("link_selector"):
            check.problem(item, f"{path}.link_selector", "only used when kind is html")
        else:
            sources.append(Source(**values))
    return tuple(sources)


def _source_label(item: yaml.Node, index: int) -> str:
    """Name a source in messages by its id when it has a usable one, else by position."""
    if isinstance(item, yaml.MappingNode):
        for key_node, value_node in item.value:
            if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                if _SLUG.fullmatch(str(value_node.value)):
                    return str(value_node.value)
    return str(index)


def _resolve(folder: Path, path: Path) -> Path:
    return path if path.is_absolute() else folder / path
