"""Ad-free digests: a day's or a week's stories, as a page, text, Markdown, a feed and mail.

    period_of(kind, day, zone) / due_periods(spec, now)   days and weeks in a time zone
    build_digest(config, spec, period, stories)           the stories, grouped (pure)
    render_files(digest, config)                          digests/<id>/<day>.{html,txt,md}
    render_archive(config, issues)                        digests/index.html, <id>.atom, css
    compose(digest, config, recipient, now=...)           one mail (pure)
    Mailer(settings, password)                            SMTP, the package's only I/O

Module map: `periods`, `values`, `build`, `style` (the look, as data), `render`,
`archive`, `mail`, `smtp`. The orchestrator (`pipeline.digests`) reads the store,
writes the files and records what was sent.
"""

from __future__ import annotations

from .archive import render_archive
from .build import build_digest, digest_path
from .mail import compose, recipients
from .periods import Period, due_at, due_periods, is_over, last_complete, period_of
from .render import render_feed_html, render_files, subject
from .smtp import Mailer, MailError
from .values import Delivery, Digest, DigestItem, Issue

__all__ = [
    "Delivery",
    "Digest",
    "DigestItem",
    "Issue",
    "MailError",
    "Mailer",
    "Period",
    "build_digest",
    "compose",
    "digest_path",
    "due_at",
    "due_periods",
    "is_over",
    "last_complete",
    "period_of",
    "recipients",
    "render_archive",
    "render_feed_html",
    "render_files",
    "subject",
]
