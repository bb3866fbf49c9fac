"""Commands that run the pipeline: run, publish, worker, serve, demo."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import click

from .. import pipeline
from ..logs import Progress
from ..models import RunReport
from ..report import format_report
from ..runtime import open_services, stopped_by_signals
from .base import Settings, duration, main, pass_settings, select_sources


@main.command()
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Only these sources.")
@click.option("--force", is_flag=True, help="Check sources even while backing off after errors.")
@click.option(
    "--due-only",
    is_flag=True,
    help="Only sources whose interval has passed since their last check.",
)
@click.option("--workers", type=click.IntRange(0, 64), help="Extraction processes (0: inline).")
@click.option("-q", "--quiet", is_flag=True, help="Print the report only when a source failed.")
@pass_settings
def run(
    settings: Settings,
    source_ids: tuple[str, ...],
    force: bool,
    due_only: bool,
    workers: int | None,
    quiet: bool,
) -> None:
    """Check every enabled source once, store new articles, then publish."""
    if force and due_only:
        raise click.UsageError("--force and --due-only contradict each other")
    config = settings.config()
    sources = select_sources(config, source_ids)
    chosen = sources or config.sources
    progress = Progress(sum(1 for source in chosen if source.enabled))

    async def go() -> RunReport:
        async with open_services(config, workers=workers) as services, stopped_by_signals() as stop:
            return await pipeline.run_pass(
                services,
                sources,
                force=force,
                due_only=due_only,
                stop=stop,
                on_report=progress.update,
            )

    try:
        report = asyncio.run(go())
    finally:
        progress.close()
    if not quiet or report.failed:
        click.echo(format_report(report, config, only_problems=quiet))


@main.command()
@pass_settings
def publish(settings: Settings) -> None:
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
@click.option("--workers", type=click.IntRange(0, 64), help="Extraction processes (0: inline).")
@click.option(
    "--interval",
    "every",
    metavar="DURATION",
    callback=duration(timedelta(seconds=1)),
    help="Check every source this often instead of its own interval (e.g. 10s, for trials).",
)
@pass_settings
def worker(settings: Settings, workers: int | None, every: timedelta | None) -> None:
    """Run every source on its own interval until SIGTERM or Ctrl-C."""
    from ..schedule import run_worker

    asyncio.run(run_worker(settings.config(), workers=workers, interval=every))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@pass_settings
def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the output folder with feed content types, ETags and 304s."""
    from ..serve import make_server

    config = settings.config()
    config.output_dir.mkdir(parents=True, exist_ok=True)

    def metrics() -> bytes:
        from ..metrics import render_metrics
        from ..pipeline.health import read_health
        from ..store import Store

        with Store.open(config.database) as store:
            return render_metrics(read_health(config, store, pipeline.utc_now()))

    server = make_server(config.output_dir, host=host, port=port, metrics=metrics)
    click.echo(
        f"serving {config.output_dir} at http://{host}:{server.server_port}/ "
        "(metrics at /metrics; Ctrl-C stops)"
    )
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
    from ..demo import run_demo

    run_demo(folder, port=port, serve=not no_serve, echo=click.echo)
