"""One pass over the sources: the only module that combines network, parsing and storage.

For each source: fetch its feed or index page (conditional GET), discover entries,
fetch and extract the pages of new or changed entries (CPU-heavy extraction runs in
an executor so it never stalls the fetchers), and save everything the source taught
us in one transaction. Failures are recorded per source and stage; the pass goes on.
Then publish: render every output from the store and write only what changed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import smtplib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import httpx

from . import publish
from .assemble import article_from_entry, merge_entry
from .digest import Period, build_digest, period_bounds, render_digest, send_digest
from .discover import discover
from .errors import (
    FetchError,
    ParseError,
    PublishError,
    RetryLater,
    RobotsDisallowed,
    StoreError,
    SyndicatorError,
)
from .extract import extract_article
from .fetch import Fetcher, next_attempt
from .models import (
    Article,
    Config,
    Entry,
    Failure,
    FetchLog,
    FetchResult,
    Rejected,
    RunReport,
    SiteRules,
    Source,
    SourceReport,
    SourceState,
    SourceUpdate,
    Validators,
)
from .store import KnownEntry, Store

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """What a pass works with; built by the CLI or the scheduler, never global."""

    config: Config
    store: Store
    fetcher: Fetcher
    target: publish.OutputTarget
    clock: Callable[[], datetime] = utc_now
    executor: Executor | None = None
    hub_client: httpx.AsyncClient | None = None
    rng: random.Random = field(default_factory=random.Random)


@dataclass(slots=True)
class _Work:
    """What checking one source gathers before it is saved."""

    source: Source
    articles: list[tuple[Article, bool]] = field(default_factory=list)
    validators: list[tuple[str, Validators]] = field(default_factory=list)
    log: list[FetchLog] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)


async def run_pass(
    services: Services, sources: Sequence[Source] | None = None, *, force: bool = False
) -> RunReport:
    """Check the given (default: all enabled) sources concurrently, then publish."""
    started = services.clock()
    services.store.sync_sources(services.config.sources, started)
    chosen = [s for s in (sources or services.config.sources) if s.enabled]
    reports = await asyncio.gather(*(check_source(services, s, force=force) for s in chosen))
    services.store.save_host_blocks(services.fetcher.blocked_until)
    published = await publish_site(services)
    return RunReport(started, services.clock(), tuple(reports), published)


async def publish_site(services: Services) -> tuple[str, ...]:
    """Render every output from the store; write (and announce) only files that changed."""
    config = services.config
    feeds = {
        channel: services.store.recent(channel, config.publish.items_per_feed)
        for channel in publish.channels_for(config)
    }
    changed = publish.write_outputs(services.target, publish.render_outputs(config, feeds))
    hub = config.site.websub_hub
    changed_feeds = publish.changed_feed_urls(config, changed)
    if hub and changed_feeds and services.hub_client is not None:
        for failure in await publish.notify_hub(services.hub_client, hub, changed_feeds):
            log.warning("websub: %s", failure.message)
    return changed


async def make_digest(
    services: Services, period: Period, day: date, *, send: bool, password: str | None = None
) -> tuple[str, ...]:
    """Write the digest of the period containing `day` (and mail it); return its paths."""
    config = services.config
    first, start, end = period_bounds(period, day)
    stories = services.store.between(start, end, config.digest.max_articles)
    digest = build_digest(config, period, first, stories)
    files = render_digest(digest, config)
    publish.write_outputs(services.target, files)
    if send:
        try:
            await asyncio.to_thread(
                send_digest,
                config.digest.email,
                digest,
                files,
                password=password,
                now=services.clock(),
            )
        except (OSError, smtplib.SMTPException) as exc:
            raise PublishError(f"digest written but not mailed: {exc}") from exc
    return tuple(files)


async def check_source(services: Services, source: Source, *, force: bool = False) -> SourceReport:
    """Fetch, discover, extract and save one source; never raises for the source's own faults."""
    now = services.clock()
    state = services.store.source_state(source.id)
    if not force and state.next_check and now < state.next_check:
        return SourceReport(source.id, "skipped", note=f"next check at {state.next_check:%H:%M}Z")
    work = _Work(source)
    status: str = "ok"
    next_check: datetime | None = None
    try:
        result = await _fetch(
            services, work, source.url, "feed" if source.kind == "feed" else "page"
        )
        if result.not_modified:
            status = "not_modified"
            entries: list[Entry] = []
        else:
            found = discover(source, result)
            entries = list(found.entries)
            work.failures.extend(Failure("discover", "warning", text) for text in found.warnings)
            if found.ttl:
                next_check = now + found.ttl
        if result.fresh_until and (next_check is None or result.fresh_until > next_check):
            next_check = result.fresh_until
        await _process_entries(services, work, entries)
    except StoreError:
        raise  # the pass itself cannot go on
    except RetryLater as exc:
        failed: Exception = exc
        next_check = now + exc.retry_after
    except Exception as exc:  # recorded per source: the rest of the pass goes on
        if not isinstance(exc, FetchError | ParseError):
            log.exception("source %s: unexpected error", source.id)  # a bug: keep the trace
        failed, next_check = exc, now + _backoff(services, source, state)
    else:
        return _finish(services, work, now, state, status=status, next_check=next_check)
    return _finish(services, work, now, state, failed=failed, next_check=next_check)


def _backoff(services: Services, source: Source, state: SourceState) -> timedelta:
    return next_attempt(
        state.failures + 1,
        interval=source.interval,
        max_backoff=services.config.fetch.max_backoff,
        rng=services.rng,
    )


async def _process_entries(services: Services, work: _Work, entries: list[Entry]) -> None:
    source = work.source
    known = services.store.known_entries(source.id, [e.entry_id for e in entries])
    work.seen.extend((e.entry_id, e.fingerprint) for e in entries)
    todo = [e for e in entries if _needs_work(e, known.get(e.entry_id))]
    listed = {e.entry_id for e in entries}
    retries = services.store.retry_entries(source.id, source.max_entries)
    todo += [e for e in retries if e.entry_id not in listed]
    results = await asyncio.gather(*(_article(services, work, entry, known) for entry in todo))
    for entry, outcome in zip(todo, results, strict=True):
        if isinstance(outcome, Rejected):
            work.rejected.append(outcome)
        elif outcome is not None:
            article, retry = outcome
            work.articles.append((replace(article, entry_id=entry.entry_id), retry))


def _needs_work(entry: Entry, known: KnownEntry | None) -> bool:
    """New, waiting for a retry, or edited upstream (its page is then fetched conditionally)."""
    if known is None or known.retry:
        return True
    if entry.fingerprint and known.fingerprint and entry.fingerprint != known.fingerprint:
        return True
    return bool(entry.updated and known.updated and entry.updated > known.updated)


async def _article(
    services: Services, work: _Work, entry: Entry, known: dict[str, KnownEntry]
) -> tuple[Article, bool] | Rejected | None:
    """The article for an entry: its page extracted, else the feed's own text (partial, retry)."""
    source = work.source
    if not source.full_text:
        return _accept(article_from_entry(entry, source), entry, retry=False)
    validators = services.store.validators(entry.url) if entry.entry_id in known else Validators()
    try:
        page = await _fetch(services, work, entry.url, "page", validators=validators)
    except RobotsDisallowed as exc:
        work.failures.append(Failure("page", exc.kind, str(exc), entry.url))
        fallback = article_from_entry(entry, source, reason="robots.txt disallows the page")
        return _accept(fallback, entry, retry=False)
    except FetchError as exc:
        work.failures.append(Failure("page", exc.kind, str(exc), entry.url))
        reason = f"page could not be fetched ({exc.kind}); will retry"
        return _accept(article_from_entry(entry, source, reason=reason), entry, retry=True)
    if page.not_modified:
        return None
    extract = functools.partial(
        extract_article,
        page.text(),
        page.url,
        rules=SiteRules(source.content_selector, source.remove_selectors),
        publisher_hint=source.publisher,
    )
    loop = asyncio.get_running_loop()
    try:
        article = await loop.run_in_executor(services.executor, extract)
    except Exception as exc:  # extract_article never raises; a broken worker process can
        log.exception("extracting %s failed", entry.url)
        work.failures.append(
            Failure("extract", "internal", f"{type(exc).__name__}: {exc}", entry.url)
        )
        fallback = article_from_entry(entry, source, reason="extraction failed; will retry")
        return _accept(fallback, entry, retry=True)
    return _accept(merge_entry(article, entry, source), entry, retry=False)


def _accept(article: Article, entry: Entry, *, retry: bool) -> tuple[Article, bool] | Rejected:
    """Keep an article that has something to show; reject an empty one with a reason."""
    if not article.content_text.strip() and not article.summary.strip() and not article.title:
        return Rejected(entry.url, "extract", "no title and no text")
    return article, retry


async def _fetch(
    services: Services,
    work: _Work,
    url: str,
    kind: str,
    *,
    validators: Validators | None = None,
) -> FetchResult:
    """Fetch through the polite client, logging the request either way."""
    source = work.source
    if validators is None:
        validators = services.store.validators(url)
    started = services.clock()
    try:
        result = await services.fetcher.fetch(
            url,
            validators=validators,
            kind=kind,  # type: ignore[arg-type]
            user_agent=source.user_agent,
        )
    except (FetchError, ParseError) as exc:
        work.log.append(
            FetchLog(
                started,
                source.id,
                url,
                kind,
                exc.kind,
                getattr(exc, "status", None),
                message=str(exc)[:500],
            )
        )
        raise
    work.validators.append((url, result.validators))
    work.log.append(
        FetchLog(
            started,
            source.id,
            url,
            kind,
            "not_modified" if result.not_modified else "ok",
            result.status,
            len(result.body),
            int(result.elapsed.total_seconds() * 1000),
        )
    )
    return result


def _finish(
    services: Services,
    work: _Work,
    now: datetime,
    state: SourceState,
    *,
    status: str = "ok",
    failed: Exception | None = None,
    next_check: datetime | None = None,
) -> SourceReport:
    """Save what the source taught us (one transaction) and report it."""
    source = work.source
    if failed is not None:
        if isinstance(failed, SyndicatorError):
            kind, message = failed.kind, str(failed)
        else:
            kind, message = "internal", f"{type(failed).__name__}: {failed}"
        stage = "discover" if isinstance(failed, ParseError) else "fetch"
        if kind == "internal":
            stage = "source"
        work.failures.insert(0, Failure(stage, kind, message, getattr(failed, "url", None)))
        backoff = not isinstance(failed, RetryLater)
        new_state = replace(
            state,
            last_checked=now,
            next_check=next_check,
            failures=state.failures + 1 if backoff else state.failures,
            last_error_kind=kind,
            last_error=message[:500],
        )
        status = "failed"
    else:
        new_state = SourceState(source.id, now, now, next_check, 0, None, None)
    saved = services.store.save(
        SourceUpdate(
            source.id,
            now,
            tuple(work.articles),
            tuple(work.seen),
            tuple(work.validators),
            tuple(work.log),
            new_state,
        )
    )
    return SourceReport(
        source.id,
        status,  # type: ignore[arg-type]
        new=saved.new,
        updated=saved.updated,
        unchanged=saved.unchanged,
        partial=sum(1 for article, _ in work.articles if article.is_partial),
        rejected=tuple(work.rejected),
        failures=tuple(work.failures),
        duration=services.clock() - now if services.clock() >= now else timedelta(0),
    )
