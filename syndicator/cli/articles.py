"""Editors' commands for stored articles: `syndicator articles list|show|search|hide|…`.

`search` and `hide` are also top-level commands (`syndicator search`, `syndicator
hide`), the same commands under their old names.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from ..config_types import SLUG
from ..fts import query_problem
from ..models import StoredArticle
from ..store import Change, CurationAction, Store
from .base import Settings, main, pass_settings

_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON objects for scripts.")
_REASON = click.option("--reason", default="", help="Why: kept in the curation log.")
_LIMIT = click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)


@main.group()
def articles() -> None:
    """Find, read and curate stored articles (hide, pin, tag), every decision logged."""


@articles.command("list")
@click.option("--source", "source_id", metavar="ID", help="Only articles this source listed.")
@click.option("--tag", metavar="TAG", help="Only articles carrying this tag.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles dated since.")
@click.option("--hidden", is_flag=True, help="The hidden articles instead of the visible ones.")
@_LIMIT
@_JSON
@pass_settings
def list_articles(
    settings: Settings,
    source_id: str | None,
    tag: str | None,
    since: datetime | None,
    hidden: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Stored articles newest first: id, date, source, title (pinned ones marked)."""
    with settings.store() as store:
        found = store.find_articles(
            source_id=source_id,
            tag=tag,
            since=since.replace(tzinfo=UTC) if since else None,
            hidden=hidden,
            limit=limit,
        )
    if as_json:
        click.echo(json.dumps([article_json(item) for item in found], indent=2))
        return
    for item in found:
        click.echo(_line(item))


@articles.command()
@click.argument("article_id")
@_JSON
@pass_settings
def show(settings: Settings, article_id: str, as_json: bool) -> None:
    """One article: metadata, attribution, where else it appeared, its log and its text."""
    with settings.store() as store:
        item = _article(store, article_id)
        copies = store.story_copies(item.story_id)
        listed = store.listed_by(article_id)
        history = store.history(article_id)
    if as_json:
        data = article_json(item)
        data.update(
            text=item.article.content_text,
            copies=[vars_of(copy) for copy in copies],
            listed_by=[{"source": source, "url": url} for source, url in listed],
            history=[{**vars_of(record), "at": record.at.isoformat()} for record in history],
        )
        click.echo(json.dumps(data, indent=2))
        return
    article = item.article
    state = ", ".join(s for s in ("hidden" if item.hidden else "", _pin(item)) if s) or "visible"
    facts = [
        ("id", article.id),
        ("state", state),
        ("url", article.url),
        ("source", item.source_id),
        ("published", item.date.isoformat()),
        ("author", article.author or "—"),
        ("tags", ", ".join(article.tags) or "—"),
        ("original", _original(item) or "— (this is the original)"),
        ("extracted by", article.extracted_by),
    ]
    click.echo(article.title)
    click.echo("=" * min(len(article.title), 79))
    for name, value in facts:
        click.echo(f"{name + ':':<14}{value}")
    if len(copies) > 1:
        click.echo("\nCopies of this story (* = the one its feed item shows):")
        for copy in copies:
            mark = "*" if copy.published else " "
            hidden = "  (hidden)" if copy.hidden else ""
            click.echo(f"  {mark} {copy.article_id}  {copy.source_name}: {copy.url}{hidden}")
    for source, url in listed:
        click.echo(f"listed by {source}: {url}")
    if history:
        click.echo("\nCuration log:")
        for record in history:
            detail = f" {record.detail}" if record.detail else ""
            reason = f" — {record.reason}" if record.reason else ""
            click.echo(f"  {record.at:%Y-%m-%d %H:%M}Z {record.action}{detail}{reason}")
    click.echo(f"\n{article.content_text}")


@articles.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@_JSON
@pass_settings
def search(settings: Settings, query: str, limit: int, as_json: bool) -> None:
    """Full-text search (SQLite FTS5 syntax) over titles and text, best match first."""
    problem = query_problem(query)
    if problem is not None:  # plain words with punctuation ("U.S.") are not FTS5 syntax
        click.echo(f"note: not FTS5 syntax ({problem}); searching for the words", err=True)
        query = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
    with settings.store() as store:
        hits = store.search_ranked(query, limit) if query else []
    if as_json:
        found = [{**article_json(hit.stored), "snippet": hit.snippet} for hit in hits]
        click.echo(json.dumps(found, indent=2))
        return
    for hit in hits:
        click.echo(_line(hit.stored))
        click.echo(f"    {hit.stored.article.url}")
        click.echo(f"    {' '.join(hit.snippet.split())}")


@articles.command()
@click.argument("article_id")
@_REASON
@click.option("--undo", is_flag=True, help="Show the article again (same as `unhide`).")
@click.option("--story", is_flag=True, help="Every copy of its story too (each one logged).")
@pass_settings
def hide(settings: Settings, article_id: str, reason: str, undo: bool, story: bool) -> None:
    """Hide an article from every feed and digest; it stays hidden when fetched again."""
    ids = [article_id]
    if story:
        with settings.store() as store:
            copies = store.story_copies(_article(store, article_id).story_id)
            ids += [c.article_id for c in copies if c.article_id != article_id]
    changes = [_curate(settings, one, "unhide" if undo else "hide", reason) for one in ids]
    _publish_hint(changes)


def _simple(action: CurationAction, doc: str) -> None:
    @articles.command(name=action, help=doc)
    @click.argument("article_id")
    @_REASON
    @pass_settings
    def command(settings: Settings, article_id: str, reason: str) -> None:
        _publish_hint([_curate(settings, article_id, action, reason)])


_simple("unhide", "Show a hidden article again.")
_simple("pin", "Keep an article at the top of its feeds.")
_simple("unpin", "Let a pinned article take its place by date again.")


@articles.command(context_settings={"ignore_unknown_options": True})
@click.argument("article_id")
@click.argument("changes", nargs=-1, required=True, type=click.UNPROCESSED)
@_REASON
@pass_settings
def tag(settings: Settings, article_id: str, changes: tuple[str, ...], reason: str) -> None:
    """Add (+tag) and remove (-tag) tags; an editor's tags survive later fetches."""
    add = [change.lstrip("+") for change in changes if not change.startswith("-")]
    remove = [change[1:] for change in changes if change.startswith("-")]
    bad = [name for name in add + remove if not SLUG.fullmatch(name)]
    if bad:
        raise click.BadParameter(f"not a tag (a slug): {', '.join(bad)}", param_hint="CHANGES")
    with settings.store() as store:
        tags = store.edit_tags(article_id, add, remove, at=datetime.now(UTC), reason=reason)
    if tags is None:
        raise click.BadParameter(f"no article with id {article_id}", param_hint="ARTICLE_ID")
    click.echo(f"tags of {article_id}: {', '.join(tags) or '(none)'}")
    known = {t for source in settings.config().sources for t in source.tags}
    for name in add:
        if name not in known:
            click.echo(f"note: no source carries #{name}, so it has no tag feed of its own")
    _publish_hint(["changed"])


@articles.command()
@_LIMIT
@pass_settings
def log(settings: Settings, limit: int) -> None:
    """The latest curation decisions, newest first, with time and reason."""
    with settings.store() as store:
        records = store.curation_log(limit)
    for record in records:
        detail = f" {record.detail}" if record.detail else ""
        reason = f" — {record.reason}" if record.reason else ""
        click.echo(
            f"{record.at:%Y-%m-%d %H:%M}Z  {record.action:<6} {record.article_id}{detail}{reason}"
        )


# Today's top-level names, kept: the same commands.
main.add_command(search, "search")
main.add_command(hide, "hide")


def article_json(item: StoredArticle) -> dict[str, Any]:
    """An article for scripts: at least id, title, url, source and published."""
    article = item.article
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "source": item.source_id,
        "published": item.date.isoformat(),
        "author": article.author,
        "tags": list(article.tags),
        "original_url": article.original_url,
        "original_publisher": article.original_publisher,
        "story_id": item.story_id,
        "hidden": item.hidden,
        "pinned_at": item.pinned_at.isoformat() if item.pinned_at else None,
        "also_at": [{"source": a.source_id, "url": a.url} for a in item.appearances],
    }


def vars_of(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def _curate(settings: Settings, article_id: str, action: CurationAction, reason: str) -> Change:
    with settings.store() as store:
        change: Change = store.curate(article_id, action, at=datetime.now(UTC), reason=reason)
    if change == "unknown":
        raise click.BadParameter(f"no article with id {article_id}", param_hint="ARTICLE_ID")
    done = {"hide": "hidden", "unhide": "shown", "pin": "pinned", "unpin": "unpinned"}[action]
    click.echo(f"{done}: {article_id}" + ("" if change == "changed" else " (already)"))
    return change


def _publish_hint(changes: list[Change]) -> None:
    if "changed" in changes:
        click.echo("run `syndicator publish` (or wait for the next run) to update the feeds")


def _article(store: Store, article_id: str) -> StoredArticle:
    item = store.article(article_id)
    if item is None:
        raise click.BadParameter(f"no article with id {article_id}", param_hint="ARTICLE_ID")
    return item


def _line(item: StoredArticle) -> str:
    marks = "".join(m for m in ("  [hidden]" if item.hidden else "", _pin(item) and "  [pinned]"))
    return (
        f"{item.article.id}  {item.date:%Y-%m-%d}  {item.source_id:<14} {item.article.title}{marks}"
    )


def _pin(item: StoredArticle) -> str:
    return f"pinned {item.pinned_at:%Y-%m-%d %H:%M}Z" if item.pinned_at else ""


def _original(item: StoredArticle) -> str | None:
    article = item.article
    if not article.original_url:
        return None
    return f"{article.original_publisher or 'unknown publisher'} <{article.original_url}>"
