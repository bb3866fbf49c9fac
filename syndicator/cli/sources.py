"""Editors' commands for sources: `syndicator sources check|list|add|preview|test`.

`check` is also a top-level command (`syndicator check`), the same command.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config_edit import append_source, write_atomically
from ..config_types import format_duration
from ..errors import ConfigError
from ..fetch import Fetcher
from ..models import FetchSettings, Source
from ..pipeline import editing
from ..preview import render_side_by_side, render_text
from ..urls import identity_key, same_site
from .base import Settings, main, pass_settings, select_sources

T = TypeVar("T")


@main.group()
def sources() -> None:
    """Check, list, add, preview and test the sources in sources.yaml."""


@sources.command()
@click.option("--fetch", is_flag=True, help="Also fetch each enabled source and say what it lists.")
@click.pass_context
def check(ctx: click.Context, fetch: bool) -> None:
    """Validate the sources file (every problem, with line and key); `--fetch` tries each
    source live. Exits 1 when a source cannot be read."""
    settings = ctx.find_object(Settings)
    assert settings is not None
    config = settings.config()
    enabled = [source for source in config.sources if source.enabled]
    click.echo(
        f"{settings.config_path}: ok, {len(config.sources)} sources ({len(enabled)} enabled)"
    )
    click.echo(f"  database   {config.database}")
    click.echo(f"  output     {config.output_dir} served at {config.site.base_url}")
    if config.feeds:
        click.echo(f"  topics     {', '.join(feed.id for feed in config.feeds)}")
    if not fetch:
        return

    async def go(fetcher: Fetcher) -> list[editing.Trial]:
        return list(await asyncio.gather(*(editing.try_source(fetcher, s) for s in enabled)))

    failed = 0
    for trial in _with_fetcher(config.fetch, go):
        if trial.error is not None:
            failed += 1
            click.echo(f"{trial.source_id:<20} failed  {trial.error_kind}: {trial.error}")
            continue
        newest = f', newest: "{trial.newest_title}"' if trial.newest_title else ""
        click.echo(f"{trial.source_id:<20} ok      {trial.entries} entries{newest}")
        for warning in trial.warnings:
            click.echo(f"{'':<28}warning: {warning}")
    if failed:
        ctx.exit(1)


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON objects for scripts.")
@pass_settings
def list_sources(settings: Settings, as_json: bool) -> None:
    """Every source: kind, tags, interval, health (last success, last error), articles."""
    config = settings.config()
    with settings.store() as store:
        states = {state.source_id: state for state in store.states()}
        counts = store.article_counts()
    rows: list[dict[str, Any]] = []
    for source in config.sources:
        state = states.get(source.id)
        rows.append(
            {
                "id": source.id,
                "name": source.name,
                "kind": source.kind,
                "tags": list(source.tags),
                "interval": format_duration(source.interval),
                "enabled": source.enabled,
                "articles": counts.get(source.id, 0),
                "last_success": _when(state.last_success if state else None),
                "failures": state.failures if state else 0,
                "last_error": f"{state.last_error_kind}: {state.last_error}"
                if state and state.failures
                else None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'id':<20} {'kind':<5} {'tags':<22} {'every':<6} {'articles':>8}  health")
    for row in rows:
        health = f"ok {row['last_success']}" if row["last_success"] else "never fetched"
        if row["last_error"]:
            health = f"{row['failures']} failure(s): {row['last_error']}"
        if not row["enabled"]:
            health += " (disabled)"
        tags = ", ".join(row["tags"]) or "—"
        click.echo(
            f"{row['id']:<20} {row['kind']:<5} {tags:<22} {row['interval']:<6} "
            f"{row['articles']:>8}  {health}"
        )


@sources.command()
@click.argument("url")
@click.option("--id", "source_id", help="The new source's id (default: from its name).")
@click.option("--name", help="Its name (default: the feed's or the page's title).")
@click.option("--tags", multiple=True, help="Tags, comma-separated or repeated.")
@click.option("--link-selector", help="Add the page as an index page: CSS selector of its links.")
@click.option("--dry-run", is_flag=True, help="Show the entry without writing the file.")
@pass_settings
def add(
    settings: Settings,
    url: str,
    source_id: str | None,
    name: str | None,
    tags: tuple[str, ...],
    link_selector: str | None,
    dry_run: bool,
) -> None:
    """Add the feed at URL, or the feed a web page points to, to sources.yaml."""
    from ..autodiscovery import suggest_id

    config = settings.config()
    found = _with_fetcher(
        config.fetch, lambda f: editing.find_feed(f, url, link_selector=link_selector)
    )
    for source in config.sources:
        same = source.kind == found.kind and source.link_selector == link_selector
        if same and identity_key(source.url) == identity_key(found.url):
            raise click.UsageError(f"{found.url} is already in {config.path} as {source.id!r}")
    taken = {source.id for source in config.sources}
    if source_id in taken:
        raise click.UsageError(f"a source with id {source_id!r} is already in {config.path}")
    title = name or found.title or found.url
    entry: dict[str, Any] = {"id": source_id or suggest_id(title, found.url, taken)}
    entry.update(name=title, url=found.url)
    if found.kind == "html":
        entry.update(kind="html", link_selector=link_selector)
    if found.homepage and found.homepage != found.url:
        entry["homepage"] = found.homepage
    if chosen_tags := [t.strip() for value in tags for t in value.split(",") if t.strip()]:
        entry["tags"] = chosen_tags
    text = config.path.read_text(encoding="utf-8")
    try:
        new_text = append_source(text, config.path, entry)
    except ConfigError:
        click.echo(f"not added: the new entry would make {config.path} invalid", err=True)
        raise
    click.echo(f"found {found.kind} {found.url} ({found.how}, {found.entries} entries)")
    for other in found.others:
        click.echo(f"  the page also offers {other}")
    added = _inserted(text, new_text).strip("\r\n")
    click.echo(("would add" if dry_run else f"added to {config.path}") + ":\n" + added)
    if not dry_run:
        write_atomically(config.path, new_text)
        click.echo(f"next: syndicator sources preview {entry['id']}")


@sources.command()
@click.argument("target", metavar="URL|ID")
@click.option("--source", "source_id", metavar="ID", help="Clean a URL with this source's rules.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a side-by-side page (original vs cleaned) to this file.",
)
@pass_settings
def preview(settings: Settings, target: str, source_id: str | None, html_file: Path | None) -> None:
    """Show what the cleaner keeps of one article (a URL, or a source's newest) and what
    it removes, with the rules that fired."""
    config = settings.config() if settings.config_path.exists() else None
    fetch = config.fetch if config else FetchSettings()
    sources_ = config.sources if config else ()
    if target.startswith(("http://", "https://")):
        source = _source_of(sources_, source_id, target)
        shown = _with_fetcher(fetch, lambda f: editing.preview_page(f, target, source))
    else:
        found = _source_of(sources_, target, None)
        assert found is not None
        source = found
        shown = _with_fetcher(fetch, lambda f: editing.preview_newest(f, found))
    if source is not None:
        click.echo(f"(cleaned with the rules of source {source.id})")
    click.echo(render_text(shown), nl=False)
    if html_file is not None:
        write_atomically(html_file, render_side_by_side(shown))
        click.echo(f"\nwrote {html_file}: open it in a browser")


@sources.command("test")
@click.argument("source_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--offline",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read saved pages from this folder instead of fetching.",
)
@click.option(
    "--save",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fetch live and save each page into this folder (for --offline later).",
)
@click.pass_context
def test_sources(
    ctx: click.Context, source_ids: tuple[str, ...], offline: Path | None, save: Path | None
) -> None:
    """Run the sources' regression tests (`tests:` in sources.yaml); exits 1 on a failure."""
    if offline and save:
        raise click.UsageError("--offline reads saved pages and --save writes them: pick one")
    settings = ctx.find_object(Settings)
    assert settings is not None
    config = settings.config()
    chosen = select_sources(config, source_ids) or [s for s in config.sources if s.tests]
    if not any(source.tests for source in chosen):
        click.echo("no tests: add `tests:` to a source in sources.yaml (see README)")
        return
    if offline is not None:
        results = asyncio.run(editing.run_source_tests(None, chosen, offline=offline))
    else:
        results = _with_fetcher(
            config.fetch, lambda f: editing.run_source_tests(f, chosen, save=save)
        )
    for result in results:
        status = "PASS" if result.passed else ("ERROR" if result.error else "FAIL")
        click.echo(f"{status:<5} {result.source_id:<20} {result.url}")
        for text in result.missing:
            click.echo(f"        missing: {text!r}")
        for text in result.unwanted:
            click.echo(f"        unwanted: {text!r}")
        if result.error:
            click.echo(f"        {result.error}")
    failed = sum(not result.passed for result in results)
    count = f"{len(results)} test{'' if len(results) == 1 else 's'}"
    click.echo(f"{count}: {len(results) - failed} passed, {failed} failed")
    if failed:
        ctx.exit(1)


main.add_command(check, "check")  # today's `syndicator check`: the same command


def _with_fetcher(settings: FetchSettings, work: Callable[[Fetcher], Awaitable[T]]) -> T:
    """Run editors' network work with a polite fetcher of its own (no database needed)."""

    async def go() -> T:
        async with Fetcher(settings) as fetcher:
            return await work(fetcher)

    return asyncio.run(go())


def _source_of(
    sources_: tuple[Source, ...], source_id: str | None, url: str | None
) -> Source | None:
    """The source named, else the first one whose feed or home page is on the URL's site
    (its rules then apply), else None."""
    if source_id is not None:
        for source in sources_:
            if source.id == source_id:
                return source
        raise click.BadParameter(f"unknown source id: {source_id}", param_hint="--source")
    for source in sources_:
        if url and any(known and same_site(url, known) for known in (source.url, source.homepage)):
            return source
    return None


def _when(value: Any) -> str | None:
    return f"{value:%Y-%m-%d %H:%M}Z" if value else None


def _inserted(before: str, after: str) -> str:
    """The lines `after` has that `before` lacks, when they were inserted in one place."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    end = 0
    while end < len(old) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return "".join(new[start : len(new) - end])
