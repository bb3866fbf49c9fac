"""The digest command: write (and mail) the ad-free digest of a period."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime
from typing import cast

import click

from .. import pipeline
from ..digest import Period, last_complete, smtp_password
from ..runtime import open_services
from .base import Settings, main, pass_settings


@main.command()
@click.option(
    "--period", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="A day inside the period (default: the last complete period).",
)
@click.option(
    "--email/--no-email", default=None, help="Mail it (default: when digest.email.to is set)."
)
@pass_settings
def digest(settings: Settings, period: str, day: datetime | None, email: bool | None) -> None:
    """Write the ad-free digest of a day or a week (HTML and text) and print its paths."""
    config = settings.config()
    chosen_period = cast(Period, period)
    chosen: date = day.date() if day else last_complete(chosen_period, datetime.now(UTC).date())
    send = bool(config.digest.email.to) if email is None else email
    password = smtp_password(config.digest.email, os.environ)

    async def go() -> tuple[str, ...]:
        async with open_services(config, workers=0) as services:
            return await pipeline.make_digest(
                services, chosen_period, chosen, send=send, password=password
            )

    for path in asyncio.run(go()):
        click.echo(str(config.output_dir / path))
