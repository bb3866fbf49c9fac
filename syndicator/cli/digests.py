"""The digest command: write (and mail) the ad-free digests of a day or a week."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import click

from .. import pipeline
from ..digest import digest_path, is_over, last_complete, period_of, recipients
from ..errors import PublishError
from ..models import Config, DigestReport, DigestSpec
from ..runtime import open_services
from .base import Settings, main, pass_settings


@main.command()
@click.option("--id", "digest_ids", multiple=True, metavar="ID", help="Only this digest.")
@click.option(
    "--period", type=click.Choice(["daily", "weekly"]), help="Only the daily or weekly digests."
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="A day inside the period, on the digest's clock (default: the last complete period).",
)
@click.option(
    "--send/--no-send",
    "--email/--no-email",
    "send",
    default=False,
    help="Mail it to the recipients who have not had it yet.",
)
@pass_settings
def digest(
    settings: Settings,
    digest_ids: tuple[str, ...],
    period: str | None,
    day: datetime | None,
    send: bool,
) -> None:
    """Write the ad-free digests of a day or a week (HTML, text, Markdown); print their paths."""
    config = settings.config()
    now = datetime.now(UTC)
    plan = [(spec, _day(spec, day, now)) for spec in _chosen(config, digest_ids, period)]
    previews = {spec.id for spec, chosen in plan if not _over(spec, chosen, now)}
    for spec, _ in plan:
        if send and spec.id in previews:
            raise click.UsageError(f"digest {spec.id}: mail goes out once its period is over")
        if send and not recipients(config, spec):
            raise click.UsageError(
                f"digest {spec.id} has no recipients (set its `recipients` or digest.email.to)"
            )

    async def go() -> list[DigestReport]:
        async with open_services(config, workers=0) as services:
            return [
                await pipeline.make_digest(services, spec, chosen, send=send)
                for spec, chosen in plan
            ]

    failures = []
    for report in asyncio.run(go()):
        name = f"{report.digest_id} {report.first_day}"
        for suffix in ("html", "txt", "md"):
            path = digest_path(report.digest_id, report.first_day, suffix)
            click.echo(str(config.output_dir / path))
        if report.digest_id in previews:
            click.echo(f"{name}: a preview, the period is not over (not archived)", err=True)
        for recipient in report.sent:
            click.echo(f"{name}: sent to {recipient}", err=True)
        failures += [f"{name} to {recipient}: {reason}" for recipient, reason in report.failed]
    if failures:
        raise PublishError("digest written but not mailed: " + "; ".join(failures))


def _day(spec: DigestSpec, day: datetime | None, now: datetime) -> date:
    """The day asked for, else one in the last period that is over on the digest's clock."""
    return day.date() if day else last_complete(spec.period, now, spec.timezone).first_day


def _over(spec: DigestSpec, day: date, now: datetime) -> bool:
    return is_over(period_of(spec.period, day, spec.timezone), now)


def _chosen(config: Config, digest_ids: tuple[str, ...], period: str | None) -> list[DigestSpec]:
    """The configured digests the options name (all of them when none are given)."""
    known = {spec.id for spec in config.digests}
    unknown = [digest_id for digest_id in digest_ids if digest_id not in known]
    if unknown:
        configured = ", ".join(sorted(known)) or "none"
        raise click.BadParameter(
            f"unknown digest id(s): {', '.join(unknown)} (configured: {configured})",
            param_hint="--id",
        )
    specs = [
        spec
        for spec in config.digests
        if (not digest_ids or spec.id in digest_ids) and (period is None or spec.period == period)
    ]
    if not specs:
        raise click.UsageError("no configured digest matches --id/--period")
    return specs
