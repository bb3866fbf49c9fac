"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) with the standard library.

feedgen has no JSON Feed writer and the format is plain JSON. Attribution that JSON
Feed has no field for goes into a `_syndicator` extension object (the spec reserves
keys starting with an underscore for extensions); the README documents it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from .document import ChannelEntry, FeedDocument

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json(document: FeedDocument) -> bytes:
    """JSON Feed 1.1 bytes of one channel (UTF-8, keys in a fixed order)."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": document.title,
        "home_page_url": document.page_url,
        "feed_url": document.urls["json"],
        "description": document.description,
        "language": document.language,
        "authors": [{"name": document.author, "url": document.page_url}],
    }
    if document.hub:
        feed["hubs"] = [{"type": "WebSub", "url": document.hub}]
    feed["items"] = [_item(entry) for entry in document.entries]
    # One line: json's C encoder only runs without indent, and feeds are read by machines.
    text = json.dumps(feed, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _item(entry: ChannelEntry) -> dict[str, Any]:
    item = entry.item
    data: dict[str, Any] = {"id": item.id, "url": item.link}
    if item.original is not None:
        data["external_url"] = item.original.url
    data["title"] = item.title
    data["content_html"] = item.content_html or item.summary_html or f"<p>{escape(item.title)}</p>"
    if item.summary_text:
        data["summary"] = item.summary_text
    if item.image:
        data["image"] = item.image
    data["date_published"] = rfc3339(item.published)
    data["date_modified"] = rfc3339(item.updated)
    data["authors"] = [{"name": item.author}]
    if item.tags:
        data["tags"] = list(item.tags)
    if item.language:
        data["language"] = item.language
    data["_syndicator"] = _extension(entry)
    return data


def _extension(entry: ChannelEntry) -> dict[str, Any]:
    item = entry.item
    extension: dict[str, Any] = {
        "article_id": item.article_id,
        "story_id": item.story_id,
        "source": {"id": item.source_id, "name": item.source_name},
        "publish": item.mode,
    }
    if entry.origin is not None:
        extension["source"]["feed_url"] = entry.origin.json_url
    if item.original is not None:
        extension["original"] = {"url": item.original.url, "publisher": item.original.publisher}
    if not item.dated:
        extension["date_is_first_seen"] = True
    if item.appearances:
        extension["appearances"] = [
            {"source_id": app.source_id, "source_name": app.source_name, "url": app.url}
            for app in item.appearances
        ]
    return extension


def rfc3339(moment: datetime) -> str:
    """`2024-10-30T12:00:00Z`: RFC 3339 in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
