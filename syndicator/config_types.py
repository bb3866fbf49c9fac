"""Value types of the configuration: durations, sizes, URLs, slugs, CSS selectors.

Each parser takes a plain YAML value and returns the typed value or raises `Invalid`
with a message that says what was expected.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import soupsieve
from cssselect import GenericTranslator, SelectorError

from .fts import query_problem


class Invalid(ValueError):
    """A value does not fit its key; the message says what was expected."""


# --- value parsers: YAML node -> Python value, or Invalid ----------------------------

Parser = Callable[[Any], Any]


def string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected a non-empty string, got {shown(value)}")
    return value.strip()


def optional_string(value: Any) -> str | None:
    return None if value is None else string(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {shown(value)}")
    return value


def integer(low: int, high: int) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"expected a whole number, got {shown(value)}")
        if not low <= value <= high:
            raise Invalid(f"expected a number from {low} to {high}, got {value}")
        return value

    return parse


_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")


def parse_duration(value: Any) -> timedelta:
    """`90`, `90s`, `30m`, `1h30m`, `1d`, `250ms` -> timedelta (a bare number is seconds)."""
    if isinstance(value, bool):
        raise Invalid(f"expected a duration like 30s, 15m or 2h, got {shown(value)}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            text += "s"  # a bare number is seconds
        parts = list(_DURATION_PART.finditer(text))
        if not parts or "".join(part.group(0) for part in parts) != text:
            raise Invalid(f"expected a duration like 30s, 15m or 2h, got {shown(value)}")
        seconds = sum(float(part.group(1)) * _DURATION_UNITS[part.group(2)] for part in parts)
    else:
        raise Invalid(f"expected a duration like 30s, 15m or 2h, got {shown(value)}")
    if seconds < 0:
        raise Invalid("a duration cannot be negative")
    return timedelta(seconds=seconds)


def duration_at_least(minimum: timedelta) -> Parser:
    def parse(value: Any) -> timedelta:
        duration = parse_duration(value)
        if duration < minimum:
            raise Invalid(f"must be at least {format_duration(minimum)}")
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
            raise Invalid(f"expected a size like 512KB or 10MB, got {shown(value)}")
        size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    else:
        raise Invalid(f"expected a size like 512KB or 10MB, got {shown(value)}")
    if size < 1024:
        raise Invalid("must be at least 1KiB")
    return size


_URL_HOST = re.compile(r"[^\s/?#@:\\]+|\[[0-9a-fA-F:.]+\]")


def url(value: Any) -> str:
    text = string(value)
    expected = f"expected an absolute http(s) URL, got {shown(value)}"
    parts = urlsplit(text)
    host = parts.netloc.rpartition("@")[2]
    host = host.rpartition(":")[0] if host.rpartition(":")[2].isdigit() else host
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(expected)
    if not _URL_HOST.fullmatch(host):
        raise Invalid(f"{expected} (bad host {host!r})")
    try:
        parts.port  # noqa: B018  # raises for a port that is not a number in range
    except ValueError:
        raise Invalid(f"{expected} (bad port)") from None
    return text


def optional_url(value: Any) -> str | None:
    return None if value is None else url(value)


def base_url(value: Any) -> str:
    text = url(value)
    return text if text.endswith("/") else text + "/"


SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def slug(value: Any) -> str:
    text = string(value)
    if not SLUG.fullmatch(text):
        raise Invalid(
            f"expected a slug (lower-case letters, digits, '-' or '_'), got {shown(value)}"
        )
    return text


def optional_slug(value: Any) -> str | None:
    return None if value is None else slug(value)


def choice(*choices: str) -> Parser:
    def parse(value: Any) -> str:
        if value not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, got {shown(value)}")
        return str(value)

    return parse


_TRANSLATOR = GenericTranslator()


def selector(value: Any) -> str:
    text = string(value)
    try:
        _TRANSLATOR.css_to_xpath(text)
    except SelectorError as exc:
        raise Invalid(f"invalid CSS selector {text!r}: {exc}") from None
    return text


def optional_selector(value: Any) -> str | None:
    return None if value is None else selector(value)


def optional_soup_selector(value: Any) -> str | None:
    """A selector for BeautifulSoup (soupsieve), which reads index pages' links."""
    if value is None:
        return None
    text = string(value)
    try:
        soupsieve.compile(text)
    except soupsieve.SelectorSyntaxError as exc:
        reason = str(exc).splitlines()[0]
        raise Invalid(f"invalid CSS selector {text!r}: {reason}") from None
    return text


def fts_query(value: Any) -> str:
    """A full-text query in SQLite FTS5 syntax, checked by SQLite itself."""
    text = string(value)
    problem = query_problem(text)
    if problem is not None:
        raise Invalid(f"not a valid FTS5 query ({problem}): {shown(value)}")
    return text


def host(value: Any) -> str:
    text = string(value).lower()
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        pass
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", text):
        raise Invalid(f"expected a host name, IP address or network, got {shown(value)}")
    return text


def email(value: Any) -> str:
    text = string(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        raise Invalid(f"expected an e-mail address, got {shown(value)}")
    return text


def clock_time(value: Any) -> time:
    """`"06:00"` -> time(6, 0). Unquoted, YAML 1.1 reads 6:30 as a number (390)."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise Invalid(
            f'expected a time like "06:30" in quotes (unquoted, YAML reads a number: {value})'
        )
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", string(value))
    if match is None:
        raise Invalid(f'expected a time like "06:00" (24-hour HH:MM), got {shown(value)}')
    return time(int(match.group(1)), int(match.group(2)))


def time_zone(value: Any) -> str:
    """An IANA time zone name that this machine's zoneinfo (or tzdata) knows."""
    text = string(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {text!r} (expected e.g. America/New_York)") from None
    return text


def optional_email(value: Any) -> str | None:
    return None if value is None else email(value)


def list_of(item: Parser) -> Parser:
    def parse(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise Invalid(f"expected a list, got {shown(value)}")
        return tuple(item(element) for element in value)

    return parse


def path(value: Any) -> Path:
    return Path(string(value))


def shown(value: Any) -> str:
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_duration(value: timedelta) -> str:
    seconds = value.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
