"""Checking one source: fetch, discover, fetch and extract its pages, save as they come.

Failures are recorded per source and stage and never escape (but a store failure,
which stops the whole pass).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from ..assemble import article_from_entry, prepare_page
from ..discover import discover
from ..errors import (
    FetchError,
    ParseError,
    RetryLater,
    RobotsDisallowed,
    StoreError,
    SyndicatorError,
)
from ..fetch import next_attempt
from ..limits import cap_article
from ..models import (
    Article,
    Entry,
    Failure,
    FetchLog,
    FetchResult,
    Prepared,
    Rejected,
    Source,
    SourceReport,
    SourceState,
    SourceUpdate,
    Validators,
)
from ..store import KnownEntry
from ..urls import shorten_url
from .services import Services, offload

log = logging.getLogger(__name__)

# Fetches of an article page that may fail before we stop retrying it; until then the
# feed's own text stands in for it.
PAGE_ATTEMPTS = 8


@dataclass(slots=True)
class _Work:
    """What checking one source gathers; articles are saved as they come."""

    source: Source
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    partial: int = 0
    validators: list[tuple[str, Validators]] = field(default_factory=list)
    log: list[FetchLog] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)


async def check_source(services: Services, source: Source, *, force: bool = False) -> SourceReport:
    """Fetch, discover, extract and save one source; never raises for the source's own faults."""
    now = services.clock()
    state = services.store.source_state(source.id)
    if not force and state.next_check and now < state.next_check:
        return SourceReport(source.id, "skipped", note=f"next check at {state.next_check:%H:%M}Z")
    work = _Work(source)
    status: Literal["ok", "not_modified"] = "ok"
    next_check: datetime | None = None
    try:
        result = await _fetch(
            services, work, source.url, "feed" if source.kind == "feed" else "page"
        )
        entries: list[Entry] = []
        if result.not_modified:
            status = "not_modified"
        else:
            found = await offload(services, discover, source, result)
            entries = list(found.entries)
            work.failures.extend(Failure("discover", "warning", text) for text in found.warnings)
            work.rejected.extend(found.rejected)
            if found.ttl:
                next_check = now + found.ttl
        if result.fresh_until and (next_check is None or result.fresh_until > next_check):
            next_check = result.fresh_until
        del result
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


async def _process_entries(services: Services, work: _Work, entries: list[Entry]) -> None:
    source = work.source
    known = services.store.known_entries(source.id, [e.entry_id for e in entries])
    pruned = services.store.pruned_entries(source.id, [e.entry_id for e in entries])
    work.seen.extend((e.entry_id, e.fingerprint) for e in entries)
    todo = [
        e for e in entries if e.entry_id not in pruned and _needs_work(e, known.get(e.entry_id))
    ]
    listed = {e.entry_id for e in entries}
    # Entries the feed no longer lists (or that a 304 did not repeat) whose page failed
    # before: all we know of them is in the store, so a failure teaches us nothing new.
    retrying = [
        e
        for e in services.store.retry_entries(source.id, source.max_entries)
        if e.entry_id not in listed
    ]
    todo += retrying
    stored_only = {e.entry_id for e in retrying}
    # A host takes only a few requests at a time anyway; holding more of its pages
    # would only hold memory.
    slots = asyncio.Semaphore(services.config.fetch.per_host_concurrency)

    async def one(entry: Entry) -> None:
        stored = entry.entry_id in stored_only
        async with slots:
            await _entry(
                services, work, entry, known=stored or entry.entry_id in known, stored_only=stored
            )

    await asyncio.gather(*(one(entry) for entry in todo))


def _needs_work(entry: Entry, known: KnownEntry | None) -> bool:
    """New, waiting for a retry, or edited upstream (its page is then fetched conditionally)."""
    if known is None or known.retry:
        return True
    if entry.fingerprint and known.fingerprint and entry.fingerprint != known.fingerprint:
        return True
    return bool(entry.updated and known.updated and entry.updated > known.updated)


async def _entry(
    services: Services, work: _Work, entry: Entry, *, known: bool, stored_only: bool = False
) -> None:
    """Make the entry's article and save it: its page extracted, else the feed's own text.

    `stored_only`: the entry comes from the store (a retry), not from the feed; if its
    page fails again there is nothing new to save, and the stored article stays as is.
    """
    source = work.source
    if not source.full_text:
        _save(services, work, entry, article_from_entry(entry, source))
        return
    validators = services.store.validators(entry.url) if known else Validators()
    try:
        page = await _fetch(services, work, entry.url, "page", validators=validators, keep=False)
    except RobotsDisallowed as exc:
        work.failures.append(Failure("page", exc.kind, str(exc), entry.url))
        if not stored_only:
            fallback = article_from_entry(entry, source, reason="robots.txt disallows the page")
            _save(services, work, entry, fallback)
        return
    except FetchError as exc:
        reason = f"page could not be fetched ({exc.kind}); will retry"
        _page_failed(
            services,
            work,
            entry,
            Failure("page", exc.kind, str(exc), entry.url),
            reason,
            stored_only=stored_only,
        )
        return
    page_validators = ((page.url, page.validators), (entry.url, page.validators))
    if page.not_modified:
        services.store.save_validators(page_validators, services.clock())
        return
    try:
        article, signature = await offload(
            services, prepare_page, page.text(), page.url, source, entry
        )
    except Exception as exc:  # prepare_page never raises; a broken worker process can
        log.exception("extracting %s failed", entry.url)
        failure = Failure("extract", "internal", f"{type(exc).__name__}: {exc}", entry.url)
        _page_failed(
            services, work, entry, failure, "extraction failed; will retry", stored_only=stored_only
        )
        return
    _save(services, work, entry, article, signature=signature, validators=page_validators)


def _page_failed(
    services: Services,
    work: _Work,
    entry: Entry,
    failure: Failure,
    reason: str,
    *,
    stored_only: bool,
) -> None:
    """Keep the feed's own text for now (unless the store already has all we know) and
    count the attempt; a page that keeps failing is retried only so often."""
    if not stored_only:
        fallback = article_from_entry(entry, work.source, reason=reason)
        if not _save(services, work, entry, fallback, retry=True):
            work.failures.append(failure)
            return
    store = services.store
    if store.page_failed(work.source.id, entry.entry_id, give_up_after=PAGE_ATTEMPTS):
        failure = replace(
            failure, message=f"{failure.message} (no more retries after {PAGE_ATTEMPTS} attempts)"
        )
    work.failures.append(failure)


def _save(
    services: Services,
    work: _Work,
    entry: Entry,
    article: Article,
    *,
    retry: bool = False,
    signature: str = "",
    validators: tuple[tuple[str, Validators], ...] = (),
) -> bool:
    """Save an article that has something to show (True); reject others with a reason."""
    shown = shorten_url(entry.url)
    capped = cap_article(article)
    work.failures.extend(Failure("limits", "oversized", note, shown) for note in capped.notes)
    if capped.value is None:
        work.rejected.append(Rejected(shown, "limits", capped.notes[0]))
        return False
    article = capped.value
    if not article.content_text.strip() and not article.summary.strip() and not article.title:
        work.rejected.append(Rejected(shown, "extract", "no title and no text"))
        return False
    prepared = Prepared(replace(article, entry_id=entry.entry_id), retry, signature, validators)
    saved = services.store.save_article(work.source.id, prepared, services.clock())
    work.counts[saved.outcome] += 1
    if saved.kept:
        work.rejected.append(Rejected(shown, "revision", saved.kept))
    else:
        work.partial += article.is_partial
    return True


async def _fetch(
    services: Services,
    work: _Work,
    url: str,
    kind: str,
    *,
    validators: Validators | None = None,
    keep: bool = True,
) -> FetchResult:
    """Fetch through the polite client, logging the request either way.

    With `keep` the response's validators are saved with the source at the end of the
    pass; a page's are saved with its article instead.
    """
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
        status = getattr(exc, "status", None)
        work.log.append(
            FetchLog(started, source.id, url, kind, exc.kind, status, message=str(exc)[:500])
        )
        raise
    if keep:
        work.validators.append((url, result.validators))
    outcome = "not_modified" if result.not_modified else "ok"
    elapsed_ms = int(result.elapsed.total_seconds() * 1000)
    work.log.append(
        FetchLog(
            started, source.id, url, kind, outcome, result.status, len(result.body), elapsed_ms
        )
    )
    return result


def _backoff(services: Services, source: Source, state: SourceState) -> timedelta:
    return next_attempt(
        state.failures + 1,
        interval=source.interval,
        max_backoff=services.config.fetch.max_backoff,
        rng=services.rng,
    )


def _finish(
    services: Services,
    work: _Work,
    now: datetime,
    state: SourceState,
    *,
    status: Literal["ok", "not_modified"] = "ok",
    failed: Exception | None = None,
    next_check: datetime | None = None,
) -> SourceReport:
    """Save what else the source taught us (one transaction) and report it."""
    source = work.source
    if failed is None:
        new_state = SourceState(source.id, now, now, next_check, 0, None, None)
    else:
        if isinstance(failed, SyndicatorError):
            kind, message = failed.kind, str(failed)
        else:
            kind, message = "internal", f"{type(failed).__name__}: {failed}"
        stage = "discover" if isinstance(failed, ParseError) else "fetch"
        stage = "source" if kind == "internal" else stage
        work.failures.insert(0, Failure(stage, kind, message, getattr(failed, "url", None)))
        retried_later = isinstance(failed, RetryLater)  # the server's wish, not our failure
        new_state = replace(
            state,
            last_checked=now,
            next_check=next_check,
            failures=state.failures if retried_later else state.failures + 1,
            last_error_kind=kind,
            last_error=message[:500],
        )
    services.store.save(
        SourceUpdate(
            source.id, now, tuple(work.seen), tuple(work.validators), tuple(work.log), new_state
        )
    )
    elapsed = services.clock() - now
    return SourceReport(
        source.id,
        "failed" if failed is not None else status,
        new=work.counts["new"],
        updated=work.counts["updated"],
        unchanged=work.counts["unchanged"],
        partial=work.partial,
        rejected=tuple(work.rejected),
        failures=tuple(work.failures),
        duration=max(elapsed, timedelta(0)),
    )
