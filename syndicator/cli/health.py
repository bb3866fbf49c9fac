"""Operators' commands: status."""

from __future__ import annotations

import click

from .base import Settings, main, pass_settings


@main.command()
@pass_settings
def status(settings: Settings) -> None:
    """Per-source health: last check, consecutive failures, next check, last error."""
    config = settings.config()
    with settings.store() as store:
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
