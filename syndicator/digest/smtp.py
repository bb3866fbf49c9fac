"""Sending mail over SMTP: the only I/O in the digest package.

One connection serves all the messages of a run; a message that fails is reported
and the next one is tried. A connection that cannot be opened is tried once per run:
the messages after it fail with the same reason at once, instead of waiting out the
timeout again for each recipient.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from ..models import EmailSettings

TIMEOUT = 30.0


class MailError(Exception):
    """A message was not accepted; the message says why, for the report."""


class Mailer:
    """Sends messages one at a time over one (lazily opened) SMTP connection."""

    def __init__(self, settings: EmailSettings, password: str | None, timeout: float = TIMEOUT):
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        self._broken: str | None = None

    def send(self, message: EmailMessage) -> None:
        """Deliver one message to the server; MailError when it is not accepted."""
        smtp = self._connection()
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(_refusal(exc.recipients)) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()  # the next message opens a new connection
            raise MailError(f"connection lost: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise MailError(f"refused: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except smtplib.SMTPException as exc:
            self._reset()
            raise MailError(str(exc)) from exc
        if refused:
            raise MailError(_refusal(refused))

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> smtplib.SMTP:
        if self._broken is not None:
            raise MailError(self._broken)
        if self._smtp is not None:
            return self._smtp
        settings = self.settings
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        smtp = None
        try:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=self.timeout)
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, self.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            if smtp is not None:
                smtp.close()
            reason = (
                _text(exc.smtp_error) if isinstance(exc, smtplib.SMTPResponseException) else exc
            )
            self._broken = f"cannot send through {where}: {reason}"
            raise MailError(self._broken) from exc
        self._smtp = smtp
        return smtp

    def _reset(self) -> None:
        """After a refused message, make the connection ready for the next one."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"refused {address}: {code} {_text(reason)}"
        for address, (code, reason) in recipients.items()
    )


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
