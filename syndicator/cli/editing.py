"""Editors' commands: check, extract, search, hide."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from .base import Settings, main, pass_settings


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
@pass_settings
def extract(settings: Settings, target: str, fmt: str, url: str | None) -> None:
    """Extract one article from a file or URL and print it (for editors writing rules)."""
    from ..extract import extract_article, render_article

    if target.startswith(("http://", "https://")):
        text, url = asyncio.run(_fetch_one(settings, target))
        article = extract_article(text, url)
    else:
        article = extract_article(Path(target).read_bytes(), url)
    click.echo(render_article(article, fmt))  # type: ignore[arg-type]


@main.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@pass_settings
def search(settings: Settings, query: str, limit: int) -> None:
    """Full-text search over stored articles."""
    with settings.store() as store:
        for stored in store.search(query, limit):
            click.echo(f"{stored.article.id}  {stored.date:%Y-%m-%d}  {stored.article.title}")
            click.echo(f"    {stored.article.url}")


@main.command()
@click.argument("article_id")
@click.option("--undo", is_flag=True, help="Show the article again.")
@pass_settings
def hide(settings: Settings, article_id: str, undo: bool) -> None:
    """Hide an article from every published output (run `publish` after)."""
    with settings.store() as store:
        if not store.set_hidden(article_id, not undo):
            raise click.BadParameter(f"no article with id {article_id}", param_hint="ARTICLE_ID")
    click.echo(f"{'shown' if undo else 'hidden'}: {article_id}")


@main.command()
@pass_settings
def check(settings: Settings) -> None:
    """Validate the sources file and print what it configures."""
    config = settings.config()
    enabled = sum(1 for source in config.sources if source.enabled)
    click.echo(f"{settings.config_path}: ok, {len(config.sources)} sources ({enabled} enabled)")
    click.echo(f"  database   {config.database}")
    click.echo(f"  output     {config.output_dir} served at {config.site.base_url}")


async def _fetch_one(settings: Settings, url: str) -> tuple[str, str]:
    from ..fetch import Fetcher
    from ..models import FetchSettings

    fetch_settings = settings.config().fetch if settings.config_path.exists() else FetchSettings()
    async with Fetcher(fetch_settings) as fetcher:
        result = await fetcher.fetch(url)
    return result.text(), result.url
