"""Turn a fetched source document into the entries it lists.

Pure: a `FetchResult` of a feed (RSS, Atom or JSON Feed, read by feedparser from bytes
and the response headers, never from a URL) or of an HTML index page (links picked by
the source's `link_selector`) becomes a `Discovery`: entries newest first, capped at
the source's `max_entries`, plus the feed's `ttl` and any parse warnings.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import json
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from .errors import NotAFeed, ParseError
from .limits import cap_entry
from .models import Entry, FetchResult, Rejected, Source
from .urls import absolutize, identity_key, shorten_url, strip_tracking


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one source document lists."""

    entries: tuple[Entry, ...]
    ttl: timedelta | None = None
    title: str | None = None
    warnings: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()  # entries dropped whole (e.g. a hostile link)


def discover(source: Source, result: FetchResult) -> Discovery:
    """The entries of a source's document; NotAFeed or ParseError when it lists none.

    Every entry is held to `limits`: an oversized field is dropped (a warning), an
    entry whose link is oversized is rejected.
    """
    found = (
        _from_index_page(source, result) if source.kind == "html" else _from_feed(source, result)
    )
    entries: list[Entry] = []
    warnings = list(found.warnings)
    rejected = []
    for entry in found.entries:
        capped = cap_entry(entry)
        if capped.value is None:
            rejected.append(Rejected(shorten_url(entry.url), "discover", capped.notes[0]))
            continue
        warnings.extend(f"{note} <{shorten_url(entry.url)}>" for note in capped.notes)
        entries.append(fingerprinted(capped.value))
    return replace(
        found, entries=tuple(entries), warnings=tuple(warnings), rejected=tuple(rejected)
    )


def fingerprinted(entry: Entry) -> Entry:
    """The entry with a fingerprint of what its source says about it (to notice edits)."""
    parts = (
        entry.url,
        entry.title,
        entry.summary_html,
        entry.content_html or "",
        entry.updated.isoformat() if entry.updated else "",
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
    return replace(entry, fingerprint=digest)


def entry_id(source_id: str, *, guid: str | None, url: str | None) -> str:
    """A source-scoped id that stays the same as long as the upstream GUID (or URL) does."""
    basis = f"guid:{guid.strip()}" if guid and guid.strip() else f"url:{identity_key(url or '')}"
    return hashlib.sha256(f"{source_id}\n{basis}".encode()).hexdigest()[:24]


# --- feeds ----------------------------------------------------------------------------


def _from_feed(source: Source, result: FetchResult) -> Discovery:
    if _looks_like_json(result):
        return _from_json_feed(source, result)
    headers = {"content-location": result.url}
    if result.content_type:
        charset = f"; charset={result.encoding}" if result.encoding else ""
        headers["content-type"] = result.content_type + charset
    # BytesIO: feedparser treats a bare string as a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(result.body), response_headers=headers)
    warnings: tuple[str, ...] = ()
    if parsed.get("bozo"):
        warnings = (f"feed is not well-formed: {parsed.get('bozo_exception')}",)
    if not parsed.entries:
        if not parsed.get("version"):
            if _looks_like_html(result.body):
                raise NotAFeed("an HTML page came back where a feed was expected", url=result.url)
            raise ParseError(
                f"not a feed: {warnings[0] if warnings else 'unknown format'}", url=result.url
            )
        return Discovery((), _ttl(parsed.feed), parsed.feed.get("title"), warnings)
    entries = [_entry(source, raw, result.url) for raw in parsed.entries]
    kept = _newest_first([entry for entry in entries if entry is not None])
    return Discovery(
        tuple(kept[: source.max_entries]), _ttl(parsed.feed), parsed.feed.get("title"), warnings
    )


def _entry(source: Source, raw: Any, base: str) -> Entry | None:
    url = absolutize(raw.get("link"), base)
    if url is None:
        url = absolutize(raw.get("id"), base) if _is_http(raw.get("id")) else None
    if url is None:
        return None  # an entry without a link cannot be read or linked to
    url = strip_tracking(url)
    guid = raw.get("id") or None
    content = raw.get("content") or []
    content_html = max((part.get("value", "") for part in content), key=len, default="") or None
    summary = raw.get("summary", "")
    if content_html and summary == content_html:
        summary = ""
    return Entry(
        source_id=source.id,
        entry_id=entry_id(source.id, guid=guid, url=url),
        url=url,
        title=_plain(raw.get("title", "")),
        guid=guid,
        published=_when(dict.get(raw, "published_parsed")),
        updated=_when(dict.get(raw, "updated_parsed")),
        author=_plain(raw.get("author", "")) or None,
        summary_html=summary,
        content_html=content_html,
        image=_image(raw, base),
        tags=tuple(term for tag in raw.get("tags", []) if (term := _plain(tag.get("term") or ""))),
    )


def _image(raw: Any, base: str) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in raw.get(key, []):
            medium = media.get("medium", "image")
            is_image = medium == "image" or str(media.get("type", "")).startswith("image/")
            if is_image and (url := absolutize(media.get("url"), base)):
                return url
    for link in raw.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return absolutize(link.get("href"), base)
    image = raw.get("image")
    return absolutize(image.get("href"), base) if isinstance(image, dict) else None


def _when(parsed: time.struct_time | None) -> datetime | None:
    """feedparser normalises dates to UTC struct_time; keep them aware."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _ttl(feed: Any) -> timedelta | None:
    try:
        minutes = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return timedelta(minutes=minutes) if 0 < minutes <= 7 * 24 * 60 else None


def _newest_first(entries: list[Entry]) -> list[Entry]:
    """Dated entries newest first, undated ones after them in feed order (stable)."""
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(
        entries, key=lambda entry: entry.published or entry.updated or oldest, reverse=True
    )


# --- JSON Feed: plain JSON, which feedparser 6.0 does not read ----------------------


def _from_json_feed(source: Source, result: FetchResult) -> Discovery:
    try:
        document = json.loads(result.body.decode(result.encoding or "utf-8", errors="replace"))
    except ValueError as exc:
        raise ParseError(f"not valid JSON: {exc}", url=result.url) from None
    version = document.get("version", "") if isinstance(document, dict) else ""
    if not str(version).startswith("https://jsonfeed.org/version/"):
        raise NotAFeed("JSON without a JSON Feed version", url=result.url)
    items = document.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and (entry := _json_entry(source, item, result.url)):
            entries.append(entry)
    title = document.get("title") if isinstance(document.get("title"), str) else None
    return Discovery(tuple(_newest_first(entries)[: source.max_entries]), None, title)


def _json_entry(source: Source, item: dict[str, Any], base: str) -> Entry | None:
    url = absolutize(_text(item.get("url")) or _text(item.get("external_url")), base)
    if url is None:
        return None
    url = strip_tracking(url)
    guid = _text(item.get("id")) or None
    content = _text(item.get("content_html"))
    if not content and (plain := _text(item.get("content_text"))):
        content = "".join(f"<p>{html.escape(part)}</p>" for part in plain.split("\n\n"))
    authors = item.get("authors")
    if not isinstance(authors, list):  # JSON Feed 1.0 had one `author` object
        authors = [item["author"]] if isinstance(item.get("author"), dict) else []
    names = [_text(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    tags = item["tags"] if isinstance(item.get("tags"), list) else []
    return Entry(
        source_id=source.id,
        entry_id=entry_id(source.id, guid=guid, url=url),
        url=url,
        title=_plain(_text(item.get("title"))),
        guid=guid,
        published=_iso_date(item.get("date_published")),
        updated=_iso_date(item.get("date_modified")),
        author=", ".join(names) or None,
        summary_html=html.escape(_text(item.get("summary"))),
        content_html=content or None,
        image=absolutize(_text(item.get("image")) or _text(item.get("banner_image")), base),
        tags=tuple(_plain(t) for t in tags if isinstance(t, str)),
    )


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _looks_like_json(result: FetchResult) -> bool:
    if result.content_type and "json" in result.content_type:
        return True
    return result.body.lstrip()[:1] == b"{"


# --- index pages ----------------------------------------------------------------------


def _from_index_page(source: Source, result: FetchResult) -> Discovery:
    assert source.link_selector is not None  # config requires it for kind html
    soup = BeautifulSoup(result.body, "lxml", from_encoding=result.encoding)
    base_tag = soup.find("base", href=True)
    base = absolutize(str(base_tag["href"]), result.url) if base_tag else result.url
    seen: set[str] = set()
    entries: list[Entry] = []
    for anchor in soup.select(source.link_selector):
        link = anchor if anchor.name == "a" else anchor.find("a", href=True)
        if link is None or not link.get("href"):
            continue
        url = absolutize(str(link["href"]), base or result.url)
        if url is None or not _is_http(url):
            continue
        url = strip_tracking(url)
        key = identity_key(url)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            Entry(
                source_id=source.id,
                entry_id=entry_id(source.id, guid=None, url=url),
                url=url,
                title=" ".join(anchor.get_text(" ").split()),
            )
        )
        if len(entries) >= source.max_entries:
            break
    title = soup.title.get_text(strip=True) if soup.title else None
    warnings = () if entries else (f"no links matched {source.link_selector!r}",)
    return Discovery(tuple(entries), None, title, warnings)


# --- helpers --------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    """Feed titles sometimes carry markup; readers and our feeds want plain text."""
    if "<" in text:
        text = BeautifulSoup(text, "lxml").get_text(" ") if _TAG.search(text) else text
    return " ".join(text.split())


def _is_http(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head
