"""The `syndicator` command group and what its commands share.

Exit status: 0 when the command did its job (a pass that completed is a success even
if some sources failed: each failure is reported per source); 2 for usage and
configuration errors; 1 when the work itself could not be done (e.g. the database
cannot be written); 3 when a health check found a problem (`status`, `db check`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from ..config import load_config
from ..config_types import Invalid, duration_at_least
from ..errors import ConfigError, SyndicatorError
from ..logs import configure_logging
from ..models import Config, Source
from ..store import Store
from ..version import __version__


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


class Settings:
    """What the group options say; the config is loaded only by commands that need it."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    def config(self) -> Config:
        """The configuration, loaded and validated once per command."""
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def store(self) -> Store:
        """The database the configuration names (close it, or use it as a context manager)."""
        return Store.open(self.config().database)


pass_settings = click.make_pass_decorator(Settings)

UNHEALTHY = 3  # exit status of a health check that found a problem


def duration(minimum: timedelta) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option callback reading a duration as sources.yaml writes them (`90s`, `180d`)."""

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> timedelta | None:
        if value is None:
            return None
        try:
            parsed: timedelta = duration_at_least(minimum)(value)
        except Invalid as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
        return parsed

    return convert


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
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More logging on stderr (-vv for debug); default: problems only, unless on a terminal.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="SYNDICATOR_LOG_FORMAT",
    help="Log lines on stderr as text or one JSON object per line.",
)
@click.version_option(__version__, prog_name="syndicator")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int, log_format: str) -> None:
    """Clean, attributed, ad-free feeds from defense-news sites."""
    configure_logging(verbose, "json" if log_format == "json" else "text")
    ctx.obj = Settings(config_path)


def select_sources(config: Config, source_ids: Sequence[str]) -> list[Source] | None:
    """The sources named on the command line (None: all of them); unknown ids are an error."""
    if not source_ids:
        return None
    known = {source.id: source for source in config.sources}
    missing = [source_id for source_id in source_ids if source_id not in known]
    if missing:
        raise click.BadParameter(
            f"unknown source id(s): {', '.join(missing)}", param_hint="--source"
        )
    return [known[source_id] for source_id in source_ids]
