"""Looking after the data: `db backup`, `db restore`, `db check` and `prune`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from ..errors import StoreError
from ..pipeline import utc_now
from ..pipeline.retention import prune_store
from .base import UNHEALTHY, Settings, duration, main, pass_settings

_SHOWN = 20  # articles listed by a prune


@main.group()
def db() -> None:
    """Look after the database: online backup, restore, integrity check."""


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_settings
def backup(settings: Settings, path: Path) -> None:
    """Write a consistent copy of the database to PATH, safe while syndicator runs."""
    with settings.store() as store:
        store.backup(path)
        articles = store.counts()["articles"]
    click.echo(f"backed up {settings.config().database} to {path} ({articles} articles)")


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Restore even while another process holds leases.")
@pass_settings
def restore(settings: Settings, path: Path, force: bool) -> None:
    """Replace the database with the backup at PATH (stop the worker first)."""
    with settings.store() as store:
        busy = store.leases(utc_now())
        if busy and not force:
            owners = ", ".join(sorted({lease.owner for lease in busy.values()}))
            raise StoreError(
                f"the database is in use ({owners}): stop the worker or wait for the run, "
                "or pass --force"
            )
        store.restore_from(path)
        articles = store.counts()["articles"]
    click.echo(f"restored {settings.config().database} from {path} ({articles} articles)")
    click.echo("run `syndicator publish` to bring the output folder in line with it")


@db.command(name="check")
@pass_settings
@click.pass_context
def check_database(ctx: click.Context, settings: Settings) -> None:
    """Check the database: SQLite integrity, the full-text index, links between tables."""
    with settings.store() as store:
        problems = store.check()
    for problem in problems:
        click.echo(f"problem: {problem}")
    if problems:
        ctx.exit(UNHEALTHY)
    click.echo(f"{settings.config().database}: ok")


@main.command()
@click.option(
    "--older-than",
    "age",
    required=True,
    callback=duration(timedelta(days=1)),
    metavar="DURATION",
    help="Remove articles dated before this long ago (e.g. 180d).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be removed; remove nothing.")
@pass_settings
def prune(settings: Settings, age: timedelta, dry_run: bool) -> None:
    """Remove old articles that no current feed or digest shows, and old log rows."""
    config = settings.config()
    now = utc_now()
    with settings.store() as store:
        result = prune_store(config, store, older_than=age, now=now, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"{verb} {len(result.articles)} article(s) dated before {now - age:%Y-%m-%d} "
        f"({result.stories_removed} stories gone, {result.stories_relinked} with a new "
        f"representative), {result.fetch_log_rows} fetch log rows, "
        f"{result.run_reports} run reports"
    )
    for article_id, date, title in result.articles[:_SHOWN]:
        click.echo(f"  {date[:10]}  {article_id}  {title}")
    if len(result.articles) > _SHOWN:
        click.echo(f"  ... and {len(result.articles) - _SHOWN} more")
