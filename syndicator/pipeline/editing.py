"""Editors' work on the network: try a source, find a page's feed, preview, run tests.

Each function takes the polite `Fetcher` and values and returns values; none of them
touches the store, so they can run before a database exists (and never change it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..assemble import article_from_entry, extract_for, merge_entry
from ..autodiscovery import FeedCandidate, feed_candidates, page_title
from ..discover import Discovery, discover
from ..errors import FetchError, NotAFeed, ParseError, SyndicatorError
from ..fetch import Fetcher
from ..models import Entry, FetchResult, Source, SourceTest
from ..preview import Preview, make_preview
from ..source_tests import SourceTestResult, check_article, saved_page_path

# Feed candidates fetched at most when looking for a page's feed (each is a request).
MAX_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class Trial:
    """What fetching a source once found: its entries, or the typed error."""

    source_id: str
    entries: int = 0
    newest_title: str = ""
    warnings: tuple[str, ...] = ()
    error_kind: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A source found at a URL: a feed, or an index page read with a link selector."""

    url: str
    kind: str  # "feed" or "html"
    title: str | None
    homepage: str | None
    entries: int
    how: str  # "the address is a feed", "autodiscovery", "link on the page", …
    others: tuple[str, ...] = ()  # other feeds the page advertises


async def try_source(fetcher: Fetcher, source: Source) -> Trial:
    """Fetch a source live and discover its entries; failures come back as values."""
    try:
        found = await _discover(fetcher, source)
    except SyndicatorError as exc:
        return Trial(source.id, error_kind=exc.kind, error=str(exc))
    newest = found.entries[0].title if found.entries else ""
    return Trial(source.id, len(found.entries), newest, found.warnings)


async def find_feed(fetcher: Fetcher, url: str, *, link_selector: str | None = None) -> FoundFeed:
    """The source at `url`: the feed itself, a feed the page points to, or (with a link
    selector) the page as an index page. NotAFeed when none of them is."""
    page = await fetcher.fetch(url, kind="page")
    if link_selector is not None:
        index = Source("new", "new", page.url, kind="html", link_selector=link_selector)
        links = len(discover(index, page).entries)
        if not links:
            raise ParseError(f"no links on {page.url} match {link_selector!r}", url=url)
        return FoundFeed(page.url, "html", page_title(page.text()), page.url, links, "index page")
    if (feed := _as_feed(page)) is not None:
        return FoundFeed(page.url, "feed", feed.title, None, len(feed.entries), "address is a feed")
    candidates = feed_candidates(page.text(), page.url)
    for candidate in candidates[:MAX_CANDIDATES]:
        try:
            result = await fetcher.fetch(candidate.url, kind="feed")
        except SyndicatorError:
            continue
        if (feed := _as_feed(result)) is not None:
            title = feed.title or candidate.title or page_title(page.text())
            others = _others(candidates, candidate)
            count = len(feed.entries)
            return FoundFeed(result.url, "feed", title, page.url, count, candidate.how, others)
    tried = min(len(candidates), MAX_CANDIDATES)
    raise NotAFeed(
        f"no feed found at {url} ({tried} likely addresses tried); to read the page's "
        "links instead, give a link selector",
        url=url,
    )


async def newest_entry(fetcher: Fetcher, source: Source) -> Entry:
    """The newest entry a source lists now."""
    found = await _discover(fetcher, source)
    if not found.entries:
        raise ParseError(f"{source.id} lists no entries right now", url=source.url)
    return found.entries[0]


async def preview_page(fetcher: Fetcher, url: str, source: Source | None) -> Preview:
    """One page cleaned as `source`'s pages are (or by the generic extractor alone)."""
    page = await fetcher.fetch(url, kind="page", user_agent=source.user_agent if source else None)
    text = page.text()
    return make_preview(text, page.url, extract_for(text, page.url, source), source)


async def preview_newest(fetcher: Fetcher, source: Source) -> Preview:
    """The newest article of a source, made exactly as a pass would make it."""
    entry = await newest_entry(fetcher, source)
    if not source.full_text:
        article = article_from_entry(entry, source)
        return make_preview(entry.content_html or entry.summary_html, entry.url, article, source)
    page = await fetcher.fetch(entry.url, kind="page", user_agent=source.user_agent)
    text = page.text()
    article = merge_entry(extract_for(text, page.url, source), entry, source)
    return make_preview(text, page.url, article, source)


async def run_source_tests(
    fetcher: Fetcher | None,
    sources: Sequence[Source],
    *,
    offline: Path | None = None,
    save: Path | None = None,
) -> list[SourceTestResult]:
    """Every test of the given sources: pages fetched live (and saved to `save`), or read
    from `offline` (see `source_tests.saved_page_path`)."""

    async def one(source: Source, test: SourceTest) -> SourceTestResult:
        try:
            text = await _test_page(fetcher, source, test, offline, save)
        except (FetchError, ParseError, OSError) as exc:
            kind = getattr(exc, "kind", "file")
            return SourceTestResult(source.id, test.url, error=f"{kind}: {exc}")
        return check_article(source.id, test, extract_for(text, test.url, source))

    work = [one(source, test) for source in sources for test in source.tests]
    return list(await asyncio.gather(*work))


async def _test_page(
    fetcher: Fetcher | None,
    source: Source,
    test: SourceTest,
    offline: Path | None,
    save: Path | None,
) -> str:
    """A test's page as text; saved pages are UTF-8, so both ways read the same text."""
    name = saved_page_path(source.id, test.url)
    if offline is not None:
        return (offline / name).read_text(encoding="utf-8", errors="replace")
    assert fetcher is not None
    text = (await fetcher.fetch(test.url, kind="page", user_agent=source.user_agent)).text()
    if save is not None:
        target = save / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return text


async def _discover(fetcher: Fetcher, source: Source) -> Discovery:
    kind: Literal["feed", "page"] = "feed" if source.kind == "feed" else "page"
    result = await fetcher.fetch(source.url, kind=kind, user_agent=source.user_agent)
    return discover(source, result)


def _as_feed(result: FetchResult) -> Discovery | None:
    """What a response lists when it is a feed; None when it is not one."""
    try:
        found = discover(Source("new", "new", result.url), result)
    except (NotAFeed, ParseError):
        return None
    return found


def _others(candidates: list[FeedCandidate], chosen: FeedCandidate) -> tuple[str, ...]:
    return tuple(c.url for c in candidates if c.how == "autodiscovery" and c is not chosen)
