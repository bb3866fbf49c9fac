"""A digest as one mail to one recipient: multipart/alternative, text then HTML.

Pure: composing a message reads nothing and sends nothing (`smtp` sends). Each
recipient gets a message of their own (no one sees the other addresses) with the
headers mailing lists carry: List-Id, List-Unsubscribe (a mailto link, and an RFC 8058
one-click URL when one is configured), List-Archive. The Message-ID is derived from the
digest, the period and the recipient, so a message is the same message on a retry.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from ..models import Config, DigestSpec, EmailSettings
from .render import MailContext, render_mail, subject
from .values import Digest


def recipients(config: Config, spec: DigestSpec) -> tuple[str, ...]:
    """Who gets `spec` by mail: its own `recipients`, else `digest.email.to`."""
    return spec.recipients if spec.recipients is not None else config.digest.email.to


def unsubscribe_links(settings: EmailSettings, digest_id: str, recipient: str) -> list[str]:
    """The List-Unsubscribe URLs, the one-click URL (when configured) first."""
    address = settings.unsubscribe or settings.sender
    mailto = f"mailto:{address}?subject={quote(f'unsubscribe {digest_id}')}"
    if settings.unsubscribe_url is None:
        return [mailto]
    one_click = settings.unsubscribe_url.replace("{recipient}", quote(recipient, safe="")).replace(
        "{digest}", quote(digest_id, safe="")
    )
    return [one_click, mailto]


def compose(digest: Digest, config: Config, recipient: str, *, now: datetime) -> EmailMessage:
    """The message that carries `digest` to `recipient`, dated `now`."""
    settings = config.digest.email
    spec = digest.spec
    links = unsubscribe_links(settings, spec.id, recipient)
    text, html = render_mail(digest, config, MailContext(recipient, links[0]))
    domain = settings.sender.rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = formataddr((digest.site_title, settings.sender))
    message["To"] = recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(
        spec.id, digest.period.first_day.isoformat(), recipient, domain
    )
    message["List-Id"] = f"{_phrase(spec.title)} <{spec.id}.digests.{domain}>"
    message["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in links)
    if settings.unsubscribe_url is not None:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Archive"] = f"<{digest.urls.archive}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def message_id(digest_id: str, day: str, recipient: str, domain: str) -> str:
    """Stable per digest, period and recipient: a resent copy is recognisably the same."""
    token = hashlib.sha256(f"{digest_id}\n{day}\n{recipient.lower()}".encode()).hexdigest()[:20]
    return f"<digest.{digest_id}.{day}.{token}@{domain}>"


def _phrase(text: str) -> str:
    """A display name for a header: quoted, without quotes or line breaks inside."""
    cleaned = " ".join(text.replace('"', "'").replace("\\", "/").split())
    return f'"{cleaned}"'
