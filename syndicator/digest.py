"""Ad-free digests: which stories belong to a day or a week, rendered as HTML and text.

Pure selection and rendering (Jinja2, autoescaped HTML), plus `send_digest`, which
mails a rendered digest over SMTP. The orchestrator reads the store and writes files.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from .models import Config, EmailSettings, StoredArticle

Period = Literal["daily", "weekly"]


@dataclass(frozen=True, slots=True)
class DigestItem:
    title: str
    url: str
    source: str
    summary: str
    date: datetime
    original_url: str | None
    original_publisher: str | None
    also: tuple[tuple[str, str], ...]  # (source name, url) of other copies


@dataclass(frozen=True, slots=True)
class Digest:
    """One period's stories, grouped for reading."""

    period: Period
    day: date  # the first day of the period
    start: datetime
    end: datetime
    title: str
    groups: tuple[tuple[str, tuple[DigestItem, ...]], ...]

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.groups)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def span(self) -> str:
        first, last = self.day.isoformat(), self.last_day.isoformat()
        return first if first == last else f"{first} to {last}"

    @property
    def slug(self) -> str:
        return f"digests/{self.period}/{self.day.isoformat()}"


def period_bounds(period: Period, day: date) -> tuple[date, datetime, datetime]:
    """The period containing `day`: its first day and its UTC [start, end)."""
    first = day if period == "daily" else day - timedelta(days=day.weekday())
    length = timedelta(days=1 if period == "daily" else 7)
    start = datetime.combine(first, time(0), UTC)
    return first, start, start + length


def last_complete(period: Period, today: date) -> date:
    """A day inside the most recent period that has fully ended before `today`."""
    return today - timedelta(days=1 if period == "daily" else today.weekday() + 1)


def build_digest(
    config: Config, period: Period, day: date, stories: Sequence[StoredArticle]
) -> Digest:
    """Group a period's stories (one item per story, newest first) by tag or by source."""
    first, start, end = period_bounds(period, day)
    names = {source.id: source.name for source in config.sources}
    groups: dict[str, list[DigestItem]] = {}
    for stored in sorted(stories, key=lambda s: (s.date, s.article.id), reverse=True):
        article = stored.article
        if config.digest.group_by == "tag":
            group = article.tags[0] if article.tags else "other"
        else:
            group = names.get(stored.source_id, stored.source_id)
        groups.setdefault(group, []).append(
            DigestItem(
                title=article.title,
                url=article.url,
                source=names.get(stored.source_id, stored.source_id),
                summary=article.summary or article.content_text[:300],
                date=stored.date,
                original_url=article.original_url
                if article.original_url and article.original_url != article.url
                else None,
                original_publisher=article.original_publisher,
                also=tuple((a.source_name, a.url) for a in stored.appearances),
            )
        )
    label = first.isoformat() if period == "daily" else f"week of {first.isoformat()}"
    return Digest(
        period,
        first,
        start,
        end,
        f"{config.site.title} — {period} digest, {label}",
        tuple((name, tuple(items)) for name, items in sorted(groups.items())),
    )


_ENV = Environment(
    loader=PackageLoader("syndicator", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_digest(digest: Digest, config: Config) -> Mapping[str, bytes]:
    """The digest's files: `<slug>.html` and `<slug>.txt`."""
    context = {"digest": digest, "site": config.site}
    html = _ENV.get_template("digest.html.j2").render(context)
    text = _ENV.get_template("digest.txt.j2").render(context)
    return {f"{digest.slug}.html": html.encode(), f"{digest.slug}.txt": text.encode()}


def smtp_password(settings: EmailSettings, environ: Mapping[str, str]) -> str | None:
    """The SMTP password from the environment variable the settings name (never the file)."""
    return environ.get(settings.password_env) if settings.password_env else None


def send_digest(
    settings: EmailSettings,
    digest: Digest,
    files: Mapping[str, bytes],
    *,
    password: str | None,
    now: datetime,
) -> None:
    """Mail a rendered digest (text with an HTML alternative); raises OSError/SMTPException."""
    message = EmailMessage()
    message["Subject"] = digest.title
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(files[f"{digest.slug}.txt"].decode())
    message.add_alternative(files[f"{digest.slug}.html"].decode(), subtype="html")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, password or "")
        smtp.send_message(message)
