"""The index page: latest headlines with their credits, and every feed to subscribe to.

Rendered with Jinja2 (autoescape on) from `templates/index.html.j2`; its stylesheet
is published beside it with a content hash in the link, so a changed style reaches
browsers despite caching.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader

from .. import __version__
from ..models import Source, TopicFeed
from .channels import FEED_FORMATS, FORMAT_NAMES, MEDIA_TYPES, channel_anchor
from .document import FeedDocument
from .hygiene import excerpt, plain_text, web_url

STYLESHEET_PATH = "style.css"
HEADLINE_CHARS = 240


@dataclass(frozen=True, slots=True)
class FeedLink:
    """One feed file as the page links it."""

    name: str
    media_type: str
    url: str


@dataclass(frozen=True, slots=True)
class ChannelView:
    """A channel as the page shows it: a section with its feeds."""

    anchor: str
    name: str
    title: str
    count: int
    feeds: tuple[FeedLink, ...]
    homepage: str | None = None
    tags: tuple[str, ...] = ()


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def display_date(moment: datetime) -> str:
    """`30 Oct 2024`, whatever the process locale (strftime's %b follows it)."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def iso_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("syndicator", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["display_date"] = display_date
    environment.filters["iso_date"] = iso_date
    return environment


def stylesheet() -> bytes:
    """The page's stylesheet, as shipped in the package."""
    return files("syndicator").joinpath("templates", STYLESHEET_PATH).read_bytes()


def render_index(
    *,
    title: str,
    description: str,
    language: str,
    documents: Sequence[FeedDocument],
    sources: Sequence[Source],
    opml_url: str,
    topics: Sequence[TopicFeed] = (),
    digests: Sequence[tuple[str, str]] = (),
    digest_archive_url: str | None = None,
) -> bytes:
    """index.html bytes: `documents[0]` is the combined channel, the rest follow it;
    `digests` are (title, Atom feed URL) of the configured digests."""
    combined, others = documents[0], documents[1:]
    by_source = {source.id: source for source in sources}
    titles = {topic.id: topic.title for topic in topics}
    views = []
    for document in others:
        kind, key = document.channel.kind, document.channel.key
        source = by_source.get(key) if kind == "source" else None
        views.append(_view(document, source, titles.get(key) if kind == "topic" else None))
    headlines = [
        (entry.item, excerpt(entry.item.summary_text, HEADLINE_CHARS)) for entry in combined.entries
    ]
    css = stylesheet()
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            title=title,
            description=description,
            language=language,
            combined=_view(combined, None),
            headlines=headlines,
            updated=combined.updated,
            sources=[view for view in views if view.anchor.startswith("source-")],
            tags=[view for view in views if view.anchor.startswith("tag-")],
            topics=[view for view in views if view.anchor.startswith("topic-")],
            all_views=[_view(combined, None), *views],
            opml_url=opml_url,
            digests=[(plain_text(title), url) for title, url in digests],
            digest_archive_url=digest_archive_url,
            stylesheet=f"{STYLESHEET_PATH}?v={hashlib.sha256(css).hexdigest()[:12]}",
            version=__version__,
        )
    )
    return html.encode("utf-8")


def _view(document: FeedDocument, source: Source | None, topic: str | None = None) -> ChannelView:
    channel = document.channel
    feeds = tuple(
        FeedLink(FORMAT_NAMES[fmt], MEDIA_TYPES[fmt], document.urls[fmt]) for fmt in FEED_FORMATS
    )
    # Names come from sources.yaml: trusted, but cleaned like everything else we print.
    name = plain_text(
        source.name if source is not None else (topic or channel.key or document.title)
    )
    return ChannelView(
        anchor=channel_anchor(channel),
        name=name,
        title=document.title,
        count=document.count,
        feeds=feeds,
        homepage=web_url(source.homepage) if source is not None else None,
        tags=source.tags if source is not None else (),
    )
