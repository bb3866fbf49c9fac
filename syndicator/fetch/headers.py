"""What response headers and the first bytes of a body tell the fetcher.

Pure functions of strings and bytes: Retry-After, freshness (Cache-Control/Expires),
cache validators kept byte for byte, and whether a body is a feed or an HTML page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from ..models import Validators

# Retry-After is honoured within this range: a server cannot make us hammer it (0 s)
# nor silence a source for weeks with one header.
RETRY_AFTER_MIN = timedelta(seconds=1)
RETRY_AFTER_MAX = timedelta(days=1)
# A 429 without Retry-After still means "too fast": pause the host this long.
RETRY_AFTER_DEFAULT = timedelta(minutes=1)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Prolog items before a document's first element: XML declaration, stylesheet PIs, comments.
_PROLOG = re.compile(rb"^(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
# What a feed's first element (or a JSON Feed's first byte) looks like, and an HTML page's.
_FEED_START = re.compile(rb"^(<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]|<!doctype\s+rss|\{)", re.I)
_HTML_START = re.compile(rb"^(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.I)


def header_text(response: httpx.Response, name: str) -> str | None:
    """A header exactly as its bytes arrived (latin-1 maps every byte to one character).

    Values are joined with ", " when the header repeats, as RFC 9110 allows.
    """
    key = name.lower().encode("ascii")
    values = [value.decode("latin-1") for raw, value in response.headers.raw if raw.lower() == key]
    return ", ".join(values) if values else None


def header_bytes(value: str) -> bytes:
    """Back to the bytes `header_text` read, for sending a validator byte for byte."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")  # stored by something other than us; keep it intact


def response_headers(response: httpx.Response) -> dict[str, str]:
    """Every header, lower-cased names, for the stages that read them (feedparser)."""
    return {name: header_text(response, name) or "" for name in dict.fromkeys(response.headers)}


def validators_of(response: httpx.Response, sent: Validators) -> Validators:
    """The response's validators; a 304 that omits one keeps the one we sent."""
    etag = header_text(response, "etag")
    last_modified = header_text(response, "last-modified")
    if response.status_code == 304:
        return Validators(etag=etag or sent.etag, last_modified=last_modified or sent.last_modified)
    return Validators(etag=etag, last_modified=last_modified)


def conditional_headers(validators: Validators) -> dict[bytes, bytes]:
    """If-None-Match / If-Modified-Since carrying the stored validators byte for byte."""
    headers = {}
    if validators.etag:
        headers[b"If-None-Match"] = header_bytes(validators.etag)
    if validators.last_modified:
        headers[b"If-Modified-Since"] = header_bytes(validators.last_modified)
    return headers


def http_date(value: str | None) -> datetime | None:
    """An HTTP date as aware UTC, or None when it is missing or not a date."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # RFC 9110 dates are always GMT
    return parsed.astimezone(UTC)


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """Retry-After (delay-seconds or an HTTP date) as a delay clamped to a sane range."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        delay = timedelta(seconds=min(int(text), int(RETRY_AFTER_MAX.total_seconds())))
    else:
        when = http_date(text)
        if when is None:
            return None
        delay = when - now
    return min(max(delay, RETRY_AFTER_MIN), RETRY_AFTER_MAX)


def fresh_until(headers: Mapping[str, str], *, fetched_at: datetime) -> datetime | None:
    """Until when the response may be reused without asking (Cache-Control, then Expires)."""
    cache_control = headers.get("cache-control", "")
    if re.search(r"(?:^|,)\s*(no-store|no-cache)\b", cache_control, re.I):
        return None
    age = headers.get("age", "").strip()
    already = timedelta(seconds=int(age)) if age.isdigit() else timedelta(0)
    max_age = _MAX_AGE.search(cache_control)
    if max_age:
        lifetime = timedelta(seconds=int(max_age.group(1))) - already
        return fetched_at + lifetime if lifetime > timedelta(0) else None
    expires = http_date(headers.get("expires"))
    if expires is None:
        return None
    # Expires is on the server's clock; measure it from the server's Date when there is one.
    served = http_date(headers.get("date")) or fetched_at
    lifetime = expires - served
    return fetched_at + lifetime if lifetime > timedelta(0) else None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def looks_like_html_not_feed(body: bytes, content_type: str | None) -> bool:
    """True when a feed was asked for and an HTML page (a challenge, a login) came back."""
    head = body[:2048].removeprefix(b"\xef\xbb\xbf")
    prolog = _PROLOG.match(head)
    head = head[prolog.end() :] if prolog else head
    if _FEED_START.match(head):
        return False  # feeds served as text/html do exist; the bytes decide
    return bool(_HTML_START.match(head)) or media_type(content_type) in _HTML_TYPES
