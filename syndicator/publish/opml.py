"""OPML 2.0 subscription list: every feed once, grouped into sources, tags and topics.

Each channel is listed once, by its RSS feed (the format every reader imports), so a
reader importing the file does not subscribe to the same channel three times.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime

from lxml import etree

from .document import EMPTY_FEED_UPDATED, FeedDocument


def render_opml(title: str, documents: Sequence[FeedDocument], homepages: dict[str, str]) -> bytes:
    """OPML bytes listing the documents; `homepages` maps a source id to its site."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    newest = max((doc.updated for doc in documents), default=EMPTY_FEED_UPDATED)
    etree.SubElement(head, "dateModified").text = format_datetime(newest, usegmt=True)
    body = etree.SubElement(root, "body")
    groups = {"all": body, "source": None, "tag": None, "topic": None}
    folder_names = {"source": "Sources", "tag": "Tags", "topic": "Topics"}
    for document in documents:
        kind = document.channel.kind
        parent = groups[kind]
        if parent is None:
            parent = groups[kind] = etree.SubElement(body, "outline", text=folder_names[kind])
        html_url = document.page_url
        if kind == "source":
            html_url = homepages.get(document.channel.key, html_url)
        etree.SubElement(
            parent,
            "outline",
            text=document.title,
            title=document.title,
            type="rss",
            version="RSS2",
            xmlUrl=document.urls["rss"],
            htmlUrl=html_url,
        )
    return bytes(etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True))
