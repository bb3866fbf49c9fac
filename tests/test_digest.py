"""Digests: periods, selection, rendering and mail."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP

from syndicator.digest import build_digest, last_complete, period_bounds, render_digest, send_digest
from syndicator.models import (
    Appearance,
    Article,
    Config,
    DigestSettings,
    EmailSettings,
    Source,
    StoredArticle,
)

CONFIG = Config(
    path=Path("sources.yaml"),
    database=Path("x.db"),
    output_dir=Path("public"),
    sources=(
        Source("dod", "DoD News", "https://www.war.gov/rss", tags=("dod",)),
        Source("rep", "Republisher <Weekly>", "https://rep.example.com/", tags=("trade",)),
    ),
)


def stored(
    id: str, title: str, when: datetime, source: str = "dod", **extra: object
) -> StoredArticle:
    article = Article(
        id=id,
        url=f"https://www.war.gov/{id}",
        title=title,
        content_html="<p>x</p>",
        content_text="Body text.",
        summary=f"Summary of {id}.",
        published=when,
        tags=("dod",) if source == "dod" else ("trade",),
        **extra,
    )  # type: ignore[arg-type]
    return StoredArticle(article, source, when, when, id)


@pytest.mark.parametrize(
    ("period", "day", "first", "last"),
    [
        ("daily", date(2026, 3, 4), date(2026, 3, 4), date(2026, 3, 5)),
        ("weekly", date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 9)),
        ("weekly", date(2026, 3, 8), date(2026, 3, 2), date(2026, 3, 9)),
    ],
)
def test_period_bounds(period: str, day: date, first: date, last: date) -> None:
    """A day belongs to its UTC day, and to the ISO week (Monday to Sunday) around it."""
    start_day, start, end = period_bounds(period, day)  # type: ignore[arg-type]
    assert start_day == first
    assert (start, end) == (
        datetime(first.year, first.month, first.day, tzinfo=UTC),
        datetime(last.year, last.month, last.day, tzinfo=UTC),
    )


def test_last_complete_period() -> None:
    """Without --date the digest covers the last period that has fully ended."""
    assert last_complete("daily", date(2026, 3, 4)) == date(2026, 3, 3)
    monday = date(2026, 3, 9)
    assert period_bounds("weekly", last_complete("weekly", monday))[0] == date(2026, 3, 2)
    assert period_bounds("weekly", last_complete("weekly", date(2026, 3, 11)))[0] == date(
        2026, 3, 2
    )


def test_rendered_digest_groups_credits_and_escapes() -> None:
    """Both renderings list each story once, grouped, credited, and the HTML is escaped."""
    when = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    items = [
        stored(
            "a",
            "Alliance <talks> & deterrence",
            when,
            original_url="https://www.war.gov/orig",
            original_publisher="U.S. Department of Defense",
        ),
        stored("b", "Trade story", when + timedelta(hours=1), source="rep"),
    ]
    items[0] = StoredArticle(
        items[0].article,
        "dod",
        when,
        when,
        "a",
        (Appearance("rep", "Republisher <Weekly>", "https://rep.example.com/c"),),
    )
    digest = build_digest(CONFIG, "daily", date(2026, 3, 4), items)
    assert [name for name, _ in digest.groups] == ["dod", "trade"]
    files = render_digest(digest, CONFIG)
    html = files["digests/daily/2026-03-04.html"].decode()
    text = files["digests/daily/2026-03-04.txt"].decode()
    assert "Alliance &lt;talks&gt; &amp; deterrence" in html and "<talks>" not in html
    assert "Originally published by U.S. Department of Defense" in html
    assert "Republisher &lt;Weekly&gt;" in html
    assert "Alliance <talks> & deterrence" in text
    assert "Also published by: Republisher <Weekly> <https://rep.example.com/c>" in text
    assert text.count("Trade story") == 1 and "2 stories" in text


def test_empty_digest_says_so() -> None:
    """A period without stories still renders, saying there were none."""
    files = render_digest(build_digest(CONFIG, "weekly", date(2026, 3, 4), []), CONFIG)
    assert "No new stories" in files["digests/weekly/2026-03-02.txt"].decode()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    """A real SMTP server (aiosmtpd) on an ephemeral loopback port, in its own thread."""
    inbox = _Inbox()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(inbox), "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield inbox, server.sockets[0].getsockname()[1]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


def test_digest_is_mailed_as_text_with_html_alternative(smtp_server: tuple[_Inbox, int]) -> None:
    """send_digest delivers one multipart message to a real SMTP server on loopback."""
    inbox, port = smtp_server
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        starttls=False,
        sender="digest@feeds.example.org",
        to=("editor@example.org",),
    )
    config = Config(
        path=CONFIG.path,
        database=CONFIG.database,
        output_dir=CONFIG.output_dir,
        sources=CONFIG.sources,
        digest=DigestSettings(email=settings),
    )
    digest = build_digest(
        config, "daily", date(2026, 3, 4), [stored("a", "Story", datetime(2026, 3, 4, tzinfo=UTC))]
    )
    send_digest(
        settings,
        digest,
        render_digest(digest, config),
        password=None,
        now=datetime(2026, 3, 5, tzinfo=UTC),
    )
    (message,) = inbox.messages
    assert message["To"] == "editor@example.org"
    assert "daily digest" in message["Subject"]
    kinds = [part.get_content_type() for part in message.walk()]
    assert kinds == ["multipart/alternative", "text/plain", "text/html"]
