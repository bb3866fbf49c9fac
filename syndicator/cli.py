"""The `syndicator` command: builds settings and services, calls the library, reports.

Exit status: 0 when the command did its job (a pass that completed is a success even
if some sources failed: each failure is reported per source); 2 for usage and
configuration errors; 1 when the work itself could not be done (e.g. the database
cannot be written).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import click

from . import pipeline
from .config import load_config
from .digest import Period, last_complete, smtp_password
from .errors import ConfigError, SyndicatorError
from .models import Config, RunReport, Source
from .report import format_report
from .runtime import open_services
from .version import __version__


class _Group(click.Group):
    """Turns our errors into one line on stderr and the documented exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except SyndicatorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


class _Settings:
    """What the group options say; the config is loaded only by commands that need it."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path

    def config(self) -> Config:
        return load_config(self.config_path)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SYNDICATOR_CONFIG",
    default="sources.yaml",
    show_default=True,
    help="The sources file (or set SYNDICATOR_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.version_option(__version__, prog_name="syndicator")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """Clean, attributed, ad-free feeds from defense-news sites."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = _Settings(config_path)


@main.command()
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Only these sources.")
@click.option("--force", is_flag=True, help="Check sources even while backing off after errors.")
@click.option("--workers", type=click.IntRange(0, 64), help="Extraction processes (0: inline).")
@click.pass_obj
def run(settings: _Settings, source_ids: tuple[str, ...], force: bool, workers: int | None) -> None:
    """Check every enabled source once, store new articles, then publish."""
    config = settings.config()
    sources = _select(config, source_ids)

    async def go() -> RunReport:
        async with open_services(config, workers=workers) as services:
            return await pipeline.run_pass(services, sources, force=force)

    report = asyncio.run(go())
    click.echo(format_report(report, config))


@main.command()
@click.pass_obj
def publish(settings: _Settings) -> None:
    """Render every feed, OPML and the index page again from the database."""
    config = settings.config()

    async def go() -> tuple[str, ...]:
        async with open_services(config, workers=0) as services:
            return await pipeline.publish_site(services)

    changed = asyncio.run(go())
    click.echo(f"{len(changed)} file(s) changed in {config.output_dir}")
    for path in changed:
        click.echo(f"  {path}")


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
@click.pass_obj
def digest(settings: _Settings, period: str, day: datetime | None, email: bool | None) -> None:
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


@main.command()
@click.option("--workers", type=click.IntRange(0, 64), help="Extraction processes (0: inline).")
@click.pass_obj
def worker(settings: _Settings, workers: int | None) -> None:
    """Run every source on its own interval until SIGTERM or Ctrl-C."""
    from .schedule import run_worker

    asyncio.run(run_worker(settings.config(), workers=workers))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.pass_obj
def serve(settings: _Settings, host: str, port: int) -> None:
    """Serve the output folder with feed content types, ETags and 304s."""
    from .serve import make_server

    config = settings.config()
    config.output_dir.mkdir(parents=True, exist_ok=True)
    server = make_server(config.output_dir, host=host, port=port)
    click.echo(f"serving {config.output_dir} at http://{host}:{server.server_port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port for the published result.",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Where the demo writes.",
)
@click.option("--no-serve", is_flag=True, help="Run the pipeline and exit without serving.")
def demo(port: int, folder: Path, no_serve: bool) -> None:
    """Run the whole pipeline against a bundled sample site on 127.0.0.1 and serve the result."""
    from .demo import run_demo

    run_demo(folder, port=port, serve=not no_serve, echo=click.echo)


@main.command()
@click.argument("target")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "json"]),
    default="text",
    show_default=True,
)
@click.option("--url", help="The page's URL, for a file (resolves links, finds attribution).")
@click.pass_obj
def extract(settings: _Settings, target: str, fmt: str, url: str | None) -> None:
    """Extract one article from a file or URL and print it (for editors writing rules)."""
    from .extract import extract_article, render_article

    if target.startswith(("http://", "https://")):
        text, url = asyncio.run(_fetch_one(settings, target))
        article = extract_article(text, url)
    else:
        article = extract_article(Path(target).read_bytes(), url)
    click.echo(render_article(article, fmt))  # type: ignore[arg-type]


@main.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.pass_obj
def search(settings: _Settings, query: str, limit: int) -> None:
    """Full-text search over stored articles."""
    with _store(settings) as store:
        for stored in store.search(query, limit):
            click.echo(f"{stored.article.id}  {stored.date:%Y-%m-%d}  {stored.article.title}")
            click.echo(f"    {stored.article.url}")


@main.command()
@click.argument("article_id")
@click.option("--undo", is_flag=True, help="Show the article again.")
@click.pass_obj
def hide(settings: _Settings, article_id: str, undo: bool) -> None:
    """Hide an article from every published output (run `publish` after)."""
    with _store(settings) as store:
        if not store.set_hidden(article_id, not undo):
            raise click.BadParameter(f"no article with id {article_id}", param_hint="ARTICLE_ID")
    click.echo(f"{'shown' if undo else 'hidden'}: {article_id}")


@main.command()
@click.pass_obj
def status(settings: _Settings) -> None:
    """Per-source health: last check, consecutive failures, next check, last error."""
    config = settings.config()
    with _store(settings) as store:
        states = {state.source_id: state for state in store.states()}
        counts = store.counts()
    click.echo(
        f"{counts['articles']} articles in {counts['stories']} stories; "
        f"{counts['fetches']} requests logged"
    )
    for source in config.sources:
        state = states.get(source.id)
        checked = (
            f"{state.last_checked:%Y-%m-%d %H:%M}Z" if state and state.last_checked else "never"
        )
        line = f"{source.id:<24} checked {checked}"
        if not source.enabled:
            line += "  (disabled)"
        if state and state.failures:
            line += f"  {state.failures} failure(s): {state.last_error_kind}: {state.last_error}"
        if state and state.next_check:
            line += f"  next {state.next_check:%Y-%m-%d %H:%M}Z"
        click.echo(line)


@main.command()
@click.pass_obj
def check(settings: _Settings) -> None:
    """Validate the sources file and print what it configures."""
    config = settings.config()
    enabled = sum(1 for source in config.sources if source.enabled)
    click.echo(f"{settings.config_path}: ok, {len(config.sources)} sources ({enabled} enabled)")
    click.echo(f"  database   {config.database}")
    click.echo(f"  output     {config.output_dir} served at {config.site.base_url}")


# --- helpers ---------------------------------------------------------------------------


def _select(config: Config, source_ids: Sequence[str]) -> list[Source] | None:
    if not source_ids:
        return None
    known = {source.id: source for source in config.sources}
    missing = [source_id for source_id in source_ids if source_id not in known]
    if missing:
        raise click.BadParameter(
            f"unknown source id(s): {', '.join(missing)}", param_hint="--source"
        )
    return [known[source_id] for source_id in source_ids]


def _store(settings: _Settings) -> Any:
    from .store import Store

    return Store.open(settings.config().database)


async def _fetch_one(settings: _Settings, url: str) -> tuple[str, str]:
    from .fetch import Fetcher
    from .models import FetchSettings

    fetch_settings = settings.config().fetch if settings.config_path.exists() else FetchSettings()
    async with Fetcher(fetch_settings) as fetcher:
        result = await fetcher.fetch(url)
    return result.text(), result.url
