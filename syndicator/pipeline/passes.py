"""One pass over the sources (`syndicator run`): leases, checks, commit, publish, report.

Each source is checked under its lease, so a worker on the same database never checks
it at the same time (a source whose lease is held elsewhere is reported as skipped).
Asked to stop, the pass starts nothing new, gives checks in flight `STOP_GRACE` to
finish, abandons the rest (what they saved stays, each write being atomic; the source
is checked again next time), commits, releases its leases and skips publishing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from ..health import due_at
from ..logs import log_source_report
from ..models import RunReport, Source, SourceReport
from .digests import produce_due_digests
from .health import record_run
from .leasing import LeaseKeeper, keeping_leases, source_lease
from .publishing import publish_site
from .services import Services
from .sources import check_source

log = logging.getLogger(__name__)

STOP_GRACE = timedelta(seconds=20)


async def run_pass(
    services: Services,
    sources: Sequence[Source] | None = None,
    *,
    force: bool = False,
    due_only: bool = False,
    stop: asyncio.Event | None = None,
    on_report: Callable[[SourceReport], None] | None = None,
    command: str = "run",
    grace: timedelta = STOP_GRACE,
) -> RunReport:
    """Check the given (default: all enabled) sources concurrently, then publish, then
    issue the digests that are due (and send mail not yet delivered).

    `due_only` skips sources whose interval has not passed since their last check;
    `force` checks even sources backing off after errors. The report is stored.
    """
    store = services.store
    started = services.clock()
    store.sync_sources(services.config.sources, started)
    chosen = [s for s in (sources or services.config.sources) if s.enabled]
    reports: dict[str, SourceReport] = {}

    def finished(report: SourceReport) -> None:
        reports[report.source_id] = report
        log_source_report(log, report)
        if on_report is not None:
            on_report(report)

    interrupted = False
    async with keeping_leases(services) as leases:
        todo = []
        for source in chosen:
            due = due_at(store.source_state(source.id), source.interval)
            if due_only and not force and due is not None and due > started:
                finished(SourceReport(source.id, "skipped", note=f"not due until {due:%H:%M}Z"))
            elif not leases.take(source_lease(source.id)):
                finished(
                    SourceReport(
                        source.id, "skipped", note=leases.busy_note(source_lease(source.id))
                    )
                )
            else:
                todo.append(source)
        with store.grouped():
            tasks = {
                asyncio.create_task(_check(services, leases, s, force, finished)): s for s in todo
            }
            interrupted = await _until_done_or_stopped(set(tasks), stop, grace)
            for task, source in tasks.items():
                if task.cancelled():
                    note = "interrupted: stopped before it finished; checked again next time"
                    finished(SourceReport(source.id, "skipped", note=note))
                elif (error := task.exception()) is not None:
                    raise error  # a StoreError: the pass itself cannot go on
            store.save_host_blocks(services.fetcher.blocked_until)
    published = () if interrupted else await publish_site(services, only_if_changed=True)
    # Cron-only operators get digests too: those whose period has ended are issued here.
    digests = () if interrupted else await produce_due_digests(services)
    report = RunReport(
        started,
        services.clock(),
        tuple(reports[s.id] for s in chosen if s.id in reports),
        published,
        digests,
    )
    record_run(
        services, report, command=command, status="interrupted" if interrupted else "complete"
    )
    return report


async def _check(
    services: Services,
    leases: LeaseKeeper,
    source: Source,
    force: bool,
    finished: Callable[[SourceReport], None],
) -> None:
    try:
        report = await check_source(services, source, force=force)
    finally:
        leases.release(source_lease(source.id))  # after committing what it saved
    finished(report)


async def _until_done_or_stopped(
    tasks: set[asyncio.Task[None]], stop: asyncio.Event | None, grace: timedelta
) -> bool:
    """Wait for the tasks; once `stop` is set, wait `grace` more, then cancel the rest.

    Returns whether the pass was stopped. A task that raises stops the wait too (the
    others are cancelled), so a StoreError ends the pass at once.
    """
    if not tasks:
        return False
    stopping = asyncio.create_task(stop.wait()) if stop is not None else None
    try:
        pending = set(tasks)
        while pending:
            waiting = pending | ({stopping} if stopping is not None else set())
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            pending -= done
            if any(not t.cancelled() and t.exception() for t in done if t is not stopping):
                break
            if stopping is not None and stopping in done:
                if pending:
                    await asyncio.wait(pending, timeout=grace.total_seconds())
                break
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return stop is not None and stop.is_set()
    finally:
        if stopping is not None:
            stopping.cancel()
