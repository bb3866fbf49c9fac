"""What the digest tests share: stories, a settable clock and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from syndicator.models import Appearance, Article, Config, DigestSpec, Source, StoredArticle

BASE_URL = "https://feeds.example.org/"
SOURCES = (
    Source(
        "dod",
        "DoD News",
        "https://www.war.gov/rss",
        tags=("dod", "official"),
        publisher="U.S. Department of Defense",
    ),
    Source(
        "rep",
        "Republisher & Sons",
        "https://rep.example.com/",
        kind="html",
        link_selector="a",
        tags=("industry",),
    ),
    Source(
        "paywall",
        "Paywalled Trade",
        "https://trade.example.com/feed",
        tags=("industry",),
        publish="summary",
        publisher="Paywalled Trade",
    ),
)
AD_TEXT = ("- Advertisement -", "adsbygoogle", "Trending on")


def config(tmp_path: Path | None = None, *specs: DigestSpec, **changes: object) -> Config:
    from syndicator.models import SiteSettings

    folder = tmp_path or Path("/nonexistent")
    base = Config(
        path=folder / "sources.yaml",
        database=folder / "db" / "syndicator.db",
        output_dir=folder / "public",
        site=SiteSettings(title="Defense Wire", base_url=BASE_URL),
        sources=SOURCES,
        digests=specs or (DigestSpec("daily", "Defense Daily Brief"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def article(id: str, when: datetime | None, source: str = "dod", **changes: object) -> Article:
    """A clean article as the pipeline stores it (sanitized HTML, plain text, tags)."""
    tags = next(s.tags for s in SOURCES if s.id == source)
    host = {"dod": "www.war.gov", "rep": "rep.example.com", "paywall": "trade.example.com"}
    base = Article(
        id=id,
        url=f"https://{host[source]}/news/2026/03/story-{id}-in-brief",
        title=f"Story {id}",
        content_html=f"<p>First paragraph of {id}. It says what happened.</p>"
        f"<p>Second paragraph of {id}.</p>",
        content_text=f"First paragraph of {id}. It says what happened.\n\n"
        f"Second paragraph of {id}.",
        content_hash=f"hash-{id}",
        entry_id=f"entry-{id}",
        published=when,
        author="Pat Writer",
        tags=tags,
        source_id=source,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def stored(
    article: Article,
    *,
    seen: datetime | None = None,
    story: str | None = None,
    appearances: tuple[Appearance, ...] = (),
) -> StoredArticle:
    first_seen = seen or article.published or datetime(2026, 1, 1, tzinfo=UTC)
    return StoredArticle(
        article,
        article.source_id or "dod",
        first_seen,
        first_seen,
        story or article.id,
        appearances,
    )


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Inbox:
    """What a loopback SMTP server received, and whom it refuses."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.envelopes.append(list(envelope.rcpt_tos))
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"s3cret")

    def clear(self) -> None:
        self.messages.clear()
        self.envelopes.clear()

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == recipient]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on an ephemeral loopback port, in its own thread."""
    inbox = Inbox()
    loop = asyncio.new_event_loop()

    def protocol() -> SMTP:
        return SMTP(inbox, authenticator=inbox.authenticate, auth_require_tls=False)

    server = loop.run_until_complete(loop.create_server(protocol, "127.0.0.1", 0))
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


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
