"""Operators' commands: status."""

from __future__ import annotations

import json

import click

from ..health import Health, SourceHealth, health_json
from ..pipeline import utc_now
from ..pipeline.health import read_health
from .base import UNHEALTHY, Settings, main, pass_settings


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON, for machines.")
@click.option(
    "--max-failures",
    type=click.IntRange(0, 1000),
    help="Exit 3 when an enabled source failed more times in a row [monitoring.max_failures].",
)
@pass_settings
@click.pass_context
def status(ctx: click.Context, settings: Settings, as_json: bool, max_failures: int | None) -> None:
    """Per-source health: last check and success, failures in a row, next due, last error."""
    config = settings.config()
    with settings.store() as store:
        health = read_health(config, store, utc_now())
    limit = config.monitoring.max_failures if max_failures is None else max_failures
    if as_json:
        click.echo(json.dumps(health_json(health, limit), indent=2))
    else:
        for line in _lines(health, limit):
            click.echo(line)
    if health.failing(limit):
        ctx.exit(UNHEALTHY)


def _lines(health: Health, limit: int) -> list[str]:
    run = health.last_run
    lines = [
        f"{health.articles} articles in {health.stories} stories; "
        f"last publish {_when(health.last_publish)}; "
        + (
            f"last {run.command} {_when(run.finished)} ({run.status}, {run.new} new, "
            f"{run.failed} failed)"
            if run
            else "no run yet"
        ),
        f"worker: {'running (' + health.worker + ')' if health.worker else 'not running'}",
    ]
    width = max((len(s.source_id) for s in health.sources), default=10)
    failing = {s.source_id for s in health.failing(limit)}
    for source in health.sources:
        lines.append(f"{source.source_id:<{width}}  {_label(source, failing)}  {_detail(source)}")
        if source.state.failures and source.state.last_error:
            error = f"{source.state.last_error_kind}: {source.state.last_error}"
            lines.append(f"{'':<{width}}    last error: {error}")
    if failing:
        lines.append(f"unhealthy: {len(failing)} source(s) failed more than {limit} times in a row")
    return lines


def _label(source: SourceHealth, failing: set[str]) -> str:
    if not source.enabled:
        label = "disabled"
    elif source.source_id in failing:
        label = "FAILING"
    elif source.state.failures:
        label = "failed"
    elif source.state.last_checked is None:
        label = "new"
    else:
        label = "ok"
    return f"{label:<8}"


def _detail(source: SourceHealth) -> str:
    state = source.state
    parts = [f"checked {_when(state.last_checked)}", f"success {_when(state.last_success)}"]
    if state.failures:
        parts.append(f"{state.failures} failure(s) in a row")
    if source.enabled:
        parts.append(f"next {_when(source.next_due) if source.next_due else 'now'}")
    parts.append(f"{source.articles} articles")
    if source.busy:
        parts.append(f"busy: {source.busy}")
    return "  ".join(parts)


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}Z" if value else "never"
