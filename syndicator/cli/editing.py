"""Editors' command for writing site rules: extract (see `sources` and `articles` for the rest)."""

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


async def _fetch_one(settings: Settings, url: str) -> tuple[str, str]:
    from ..fetch import Fetcher
    from ..models import FetchSettings

    fetch_settings = settings.config().fetch if settings.config_path.exists() else FetchSettings()
    async with Fetcher(fetch_settings) as fetcher:
        result = await fetcher.fetch(url)
    return result.text(), result.url
