"""A digest as files and as mail: HTML, plain text (72 columns, links as references)
and Markdown, from Jinja2 templates (`templates/digest.*.j2`, HTML autoescaped).

Pure and deterministic: the same digest gives the same bytes, so an unchanged digest
rewrites no file. Everything shown is plain text from `build` and every URL absolute,
so the HTML works as a page and as a mail alike.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..models import Config
from . import style
from .build import STYLESHEET_PATH, digest_path
from .values import Digest, DigestItem, stories_phrase

WIDTH = 72
MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July"),
    *("August", "September", "October", "November", "December"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class MailContext:
    """What only the mailed copy says: who it went to and how to stop it."""

    recipient: str
    unsubscribe: str  # a mailto: or https: URL


def render_files(digest: Digest, config: Config) -> dict[str, bytes]:
    """`digests/<id>/<day>.html`, `.txt` and `.md`."""
    first, digest_id = digest.period.first_day, digest.spec.id
    return {
        digest_path(digest_id, first, "html"): _html(digest, config, None).encode("utf-8"),
        digest_path(digest_id, first, "txt"): _text(digest, None).encode("utf-8"),
        digest_path(digest_id, first, "md"): _render("digest.md.j2", digest).encode("utf-8"),
    }


def render_mail(digest: Digest, config: Config, mail: MailContext) -> tuple[str, str]:
    """The plain-text and HTML bodies of the digest mailed to one recipient."""
    return _text(digest, mail), _html(digest, config, mail)


def render_feed_html(digest: Digest) -> str:
    """What the digest's Atom entry carries: the headlines with their links."""
    return _render("digest-feed.html.j2", digest)


def subject(digest: Digest) -> str:
    return f"{digest.spec.title} — {dateline(digest)}"


def _html(digest: Digest, config: Config, mail: MailContext | None) -> str:
    # Pages link the stylesheet (served pages block inline styles); mail does not.
    # A page is digests/<id>/<day>.html, the stylesheet digests/digest.css.
    stylesheet = None if mail else "../" + STYLESHEET_PATH.removeprefix("digests/")
    return _render(
        "digest.html.j2",
        digest,
        mail=mail,
        language=config.site.language,
        stylesheet=stylesheet,
        media_css=Markup(style.media_css()),  # noqa: S704 (our own constant CSS)
        preheader=_preheader(digest),
    )


def _text(digest: Digest, mail: MailContext | None) -> str:
    return _render("digest.txt.j2", digest, mail=mail, refs=_references(digest, mail))


def _render(template: str, digest: Digest, **extra: object) -> str:
    return (
        environment()
        .get_template(template)
        .render(digest=digest, spec=digest.spec, dateline=dateline(digest), **extra)
    )


@cache
def environment() -> Environment:
    """The digest templates' environment: HTML templates autoescaped, our filters."""
    environment = Environment(
        loader=PackageLoader("syndicator", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals["s"] = style.attrs
    environment.filters["wrap"] = wrap
    environment.filters["md"] = markdown_text
    environment.filters["md_url"] = markdown_url
    environment.filters["clock"] = clock
    environment.filters["iso"] = lambda moment: moment.astimezone(UTC).isoformat()
    environment.filters["stories"] = stories_phrase
    return environment


# --- words and dates -------------------------------------------------------------------


def long_date(day: date) -> str:
    """`Tuesday 4 November 2025`, whatever the process locale."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def dateline(digest: Digest) -> str:
    return period_words(digest.period.kind, digest.period.first_day)


def period_words(kind: str, first: date) -> str:
    """A period in words: `Tuesday 4 November 2025`, `Week of 3 to 9 November 2025`."""
    if kind == "daily":
        return long_date(first)
    last = first + timedelta(days=6)
    start = (
        f"{first.day}" if first.month == last.month else f"{first.day} {MONTHS[first.month - 1]}"
    )
    if first.year != last.year:
        start += f" {first.year}"
    return f"Week of {start} to {last.day} {MONTHS[last.month - 1]} {last.year}"


def clock(item: DigestItem, kind: str) -> str:
    """An item's local time: `17:45 EST`, or `Tue 4 Nov, 17:45 EST` in a weekly digest."""
    moment = item.when
    hour = f"{moment:%H:%M} {moment.tzname() or ''}".strip()
    if kind == "daily":
        return hour
    return f"{WEEKDAYS[moment.weekday()][:3]} {moment.day} {MONTHS[moment.month - 1][:3]}, {hour}"


def _preheader(digest: Digest) -> str:
    """The line mail clients show after the subject."""
    titles = [item.title for item in digest.items[:3]]
    if not titles:
        return "No new articles in this period."
    return f"{digest.count} stories: " + " · ".join(titles) if digest.count != 1 else titles[0]


# --- plain text and Markdown -----------------------------------------------------------


def wrap(text: str, indent: str = "") -> str:
    """Text wrapped at 72 columns; words (and URLs) are never broken."""
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _references(digest: Digest, mail: MailContext | None) -> dict[str, int]:
    """Each URL the text version names, numbered in order of first mention."""
    urls: list[str] = []
    for item in digest.items:
        urls += [item.read_url, item.original_url, *(app.url for app in item.appearances)]
    urls += [digest.urls.archive, digest.urls.feed]
    if mail:
        urls.append(mail.unsubscribe)
    return {url: number for number, url in enumerate(dict.fromkeys(urls), 1)}


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_LINE_START_MARKER = re.compile(r"^(\d+)([.)]\s)|^([-+=]\s)")


def markdown_text(text: str) -> str:
    """Plain text that Markdown shows as it is (no emphasis, links or lists by accident)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_MARKER.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    number, dot, bullet = match.groups()
    return f"{number}\\{dot}" if number else f"\\{bullet}"


def markdown_url(url: str) -> str:
    """A URL safe inside `[text](url)`: parentheses and spaces escaped."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
