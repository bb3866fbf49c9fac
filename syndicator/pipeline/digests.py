"""Digests from the store: select a period's stories, write the files, mail them."""

from __future__ import annotations

import asyncio
import smtplib
from datetime import date

from .. import publish
from ..digest import Period, build_digest, period_bounds, render_digest, send_digest
from ..errors import PublishError
from .services import Services


async def make_digest(
    services: Services, period: Period, day: date, *, send: bool, password: str | None = None
) -> tuple[str, ...]:
    """Write the digest of the period containing `day` (and mail it); return its paths."""
    config = services.config
    first, start, end = period_bounds(period, day)
    stories = services.store.between(start, end, config.digest.max_articles)
    digest = build_digest(config, period, first, stories)
    files = render_digest(digest, config)
    publish.write_outputs(services.target, files)
    if send:
        try:
            await asyncio.to_thread(
                send_digest,
                config.digest.email,
                digest,
                files,
                password=password,
                now=services.clock(),
            )
        except (OSError, smtplib.SMTPException) as exc:
            raise PublishError(f"digest written but not mailed: {exc}") from exc
    return tuple(files)
