"""The long-running worker: APScheduler 3 wiring only; every job calls `pipeline`.

One event loop runs every job, so all sources share one polite fetcher (per-host
limits hold across sources) and one database connection. Each source is a job of its
own, first run at the due time the database remembers (its interval after the last
check, or later after failures or when the server asked), so a restart neither checks
everything at once nor forgets anything; every run is jittered, coalesced, never
overlaps itself, and is rescheduled from the stored due time when it ends. A source
runs under its lease, so a cron `run` on the same database never checks it meanwhile.
A publish follows checks that stored something. Each digest is a job at its `at` time
in its own time zone, and once at start to catch up on any missed while it was down
(`add_digest_jobs`).
SIGTERM/SIGINT: no new work, checks in flight get a grace period, then are abandoned
(what they saved stays), a last publish, the leases are released, exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from . import pipeline
from .errors import SyndicatorError
from .health import due_at
from .logs import log_source_report
from .models import Config, DigestSpec, RunReport, Source, SourceReport
from .pipeline.health import record_run, write_metrics
from .pipeline.leasing import WORKER_LEASE, LeaseKeeper, keeping_leases, source_lease
from .pipeline.passes import STOP_GRACE
from .report import format_digest, format_source
from .runtime import open_services, stopped_by_signals

log = logging.getLogger(__name__)

PUBLISH_DEBOUNCE = timedelta(seconds=2)
BUSY_RETRY = timedelta(minutes=1)  # a source another process works on is tried again after
MAX_JITTER = timedelta(minutes=5)
FIRST_SPREAD = timedelta(seconds=10)


def jitter(interval: timedelta) -> timedelta:
    """How far a run may drift after its due time: a tenth of the interval, at most 5 min."""
    return min(interval / 10, MAX_JITTER)


async def run_worker(
    config: Config,
    *,
    workers: int | None = None,
    interval: timedelta | None = None,
    stop: asyncio.Event | None = None,
    echo: Callable[[str], None] | None = None,
    grace: timedelta = STOP_GRACE,
) -> None:
    """Run until `stop` is set (SIGTERM and SIGINT set it); report lines go to `echo`.

    `interval` replaces every source's own interval (for trials and tests); `grace` is
    how long jobs in flight may take to finish once stopping.
    """
    async with (
        stopped_by_signals() as signalled,
        open_services(config, workers=workers) as services,
        keeping_leases(services) as leases,
    ):
        worker = _Worker(services, leases, echo or _print_line, interval, grace)
        await worker.run(stop or signalled)


def _print_line(line: str) -> None:
    # Flushed line by line: the worker's output usually goes to a pipe or a journal.
    print(line, flush=True)


def add_source_jobs(
    scheduler: AsyncIOScheduler,
    sources: Iterable[Source],
    check: Callable[[Source], Awaitable[None]],
    *,
    first_runs: Mapping[str, datetime] | None = None,
    interval: timedelta | None = None,
    rng: random.Random | None = None,
) -> None:
    """One job per enabled source on its interval, first run at its due time (default
    now), each run jittered; coalesced, never two at once, late runs still taken."""
    rng = rng or random.Random()  # noqa: S311 (spreading load, not secrecy)
    now = datetime.now(UTC)
    for source in sources:
        if not source.enabled:
            continue
        every = interval or source.interval
        spread = jitter(every)
        due = (first_runs or {}).get(source.id)
        first = max(now, due or now)
        if due is None:  # never checked: soon, spread over a few seconds at most
            spread = min(spread, FIRST_SPREAD)
        scheduler.add_job(
            check,
            IntervalTrigger(
                seconds=every.total_seconds(), jitter=spread.total_seconds(), timezone=UTC
            ),
            args=[source],
            id=f"source:{source.id}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(every.total_seconds())),
            next_run_time=first + rng.random() * spread,
        )


def add_digest_jobs(
    scheduler: AsyncIOScheduler,
    digests: Iterable[DigestSpec],
    job: Callable[[DigestSpec], Awaitable[None]],
) -> None:
    """One job per digest at its `at` time in its zone (weekly: Mondays), first run now."""
    now = datetime.now(UTC)
    for spec in digests:
        trigger = CronTrigger(
            day_of_week="mon" if spec.period == "weekly" else "*",
            hour=spec.at.hour,
            minute=spec.at.minute,
            timezone=ZoneInfo(spec.timezone),
        )
        scheduler.add_job(
            job,
            trigger,
            args=[spec],
            id=f"digest:{spec.id}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # a busy loop delays a digest; it never skips one
            next_run_time=now,
        )


class _Worker:
    def __init__(
        self,
        services: pipeline.Services,
        leases: LeaseKeeper,
        echo: Callable[[str], None],
        interval: timedelta | None,
        grace: timedelta,
    ) -> None:
        self.services = services
        self.grace = grace
        self.leases = leases
        self.echo = echo
        self.interval = interval
        self.running: set[asyncio.Task[Any]] = set()
        self.dirty = False
        self.publishing = False
        self.scheduler = AsyncIOScheduler(timezone=UTC, event_loop=asyncio.get_running_loop())

    async def run(self, stop: asyncio.Event) -> None:
        services, config = self.services, self.services.config
        if not self.leases.take(WORKER_LEASE):
            holder = self.leases.holder(WORKER_LEASE)
            raise SyndicatorError(
                f"another worker runs on {config.database} ({holder.owner if holder else '?'})"
            )
        services.store.sync_sources(config.sources, services.clock())
        add_source_jobs(
            self.scheduler,
            config.sources,
            self.check,
            first_runs=self.due_times(),
            interval=self.interval,
            rng=services.rng,
        )
        add_digest_jobs(self.scheduler, config.digests, self.digest)
        self.scheduler.start()
        self.echo(f"worker started: {sum(s.enabled for s in config.sources)} sources")
        for job in sorted(self.scheduler.get_jobs(), key=lambda job: job.next_run_time):
            self.echo(f"  next {job.id} at {job.next_run_time.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z")
        await stop.wait()
        self.scheduler.pause()  # no new work from here on
        await self.finish_or_abandon()
        self.scheduler.shutdown(wait=False)
        if self.dirty:
            try:
                await asyncio.wait_for(self.publish(), self.grace.total_seconds() or None)
            except TimeoutError:
                log.warning("stopping: the last publish took too long; the next one catches up")
        self.echo("worker stopped")

    def due_times(self) -> dict[str, datetime]:
        """When each source is next due, from what the database remembers."""
        store = self.services.store
        found = {}
        for source in self.services.config.sources:
            due = due_at(store.source_state(source.id), self.interval or source.interval)
            if due is not None:
                found[source.id] = due
        return found

    async def finish_or_abandon(self) -> None:
        """Give jobs in flight the grace period to finish, then cancel them (leases go)."""
        if not self.running:
            return
        _, pending = await asyncio.wait(set(self.running), timeout=self.grace.total_seconds())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.warning("stopping: abandoned %d check(s) in flight", len(pending))

    def tracked(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def check(self, source: Source) -> None:
        self.tracked()
        services, name = self.services, source_lease(source.id)
        started = services.clock()
        busy = not self.leases.take(name)
        if busy:
            report = SourceReport(source.id, "skipped", note=self.leases.busy_note(name))
        else:
            try:
                report = await pipeline.check_source(services, source)
                services.store.save_host_blocks(services.fetcher.blocked_until)
            finally:
                self.leases.release(name)
        log_source_report(log, report)
        for line in format_source(report):
            self.echo(line)
        run = RunReport(started, services.clock(), (report,))
        record_run(services, run, command="worker", status="complete")
        self.reschedule(source, busy=busy)
        if report.new or report.updated:
            self.request_publish()

    def reschedule(self, source: Source, *, busy: bool) -> None:
        """Next run at the stored due time (or soon, when another process held the source)."""
        every = self.interval or source.interval
        now = self.services.clock()
        due = due_at(self.services.store.source_state(source.id), every)
        if busy:
            due = now + min(every, BUSY_RETRY)
        when = max(now, due or now) + self.services.rng.random() * jitter(every)
        job = self.scheduler.get_job(f"source:{source.id}")
        if job is not None:
            job.modify(next_run_time=when)

    def request_publish(self) -> None:
        """Publish soon: once for checks that finish close together, never two at once."""
        self.dirty = True
        if not self.publishing and self.scheduler.get_job("publish") is None:
            self.scheduler.add_job(
                self.publish,
                "date",
                run_date=self.services.clock() + PUBLISH_DEBOUNCE,
                id="publish",
                misfire_grace_time=None,
            )

    async def publish(self) -> None:
        self.tracked()
        self.publishing, self.dirty = True, False
        try:
            changed = await pipeline.publish_site(self.services)
        finally:
            self.publishing = False
        self.echo(f"published: {len(changed)} file(s) changed")
        write_metrics(self.services)
        if self.dirty:
            self.request_publish()

    async def digest(self, spec: DigestSpec) -> None:
        self.tracked()
        for report in await pipeline.produce_due_digests(self.services, only=[spec.id]):
            for line in format_digest(report):
                self.echo(line)
