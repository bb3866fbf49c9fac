"""The long-running worker: APScheduler 3 wiring only; every job calls `pipeline`.

One event loop runs every job, so all sources share one polite fetcher (per-host
limits hold across sources) and one database writer. Each source is a job on its own
interval with `max_instances=1`: a pass over a source never overlaps another pass over
the same source. After checks that stored something, one debounced publish follows.
Each digest is a job at its `at` time in its own time zone (and once at start, to catch
up on any the worker missed while it was down). SIGTERM/SIGINT stop
the scheduler, let checks in flight finish (within a grace period) and publish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from . import pipeline
from .models import Config, DigestSpec, Source
from .report import format_digest, format_source
from .runtime import open_services

log = logging.getLogger(__name__)

PUBLISH_DEBOUNCE = timedelta(seconds=2)
STOP_GRACE = timedelta(seconds=30)


async def run_worker(
    config: Config,
    *,
    workers: int | None = None,
    stop: asyncio.Event | None = None,
    echo: Callable[[str], None] | None = None,
) -> None:
    """Run until `stop` is set (SIGTERM and SIGINT set it); report lines go to `echo`."""
    echo = echo or _print_line
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with open_services(config, workers=workers) as services:
            worker = _Worker(services, echo)
            await worker.run(stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def _print_line(line: str) -> None:
    # Flushed line by line: the worker's output usually goes to a pipe or a journal.
    print(line, flush=True)


def add_source_jobs(
    scheduler: AsyncIOScheduler,
    sources: Iterable[Source],
    check: Callable[[Source], Awaitable[None]],
) -> None:
    """One job per enabled source, on its interval, first run now; never two at once."""
    now = datetime.now(UTC)
    for source in sources:
        if source.enabled:
            seconds = source.interval.total_seconds()
            scheduler.add_job(
                check,
                IntervalTrigger(seconds=seconds, timezone=UTC),
                args=[source],
                id=f"source:{source.id}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(seconds),
                next_run_time=now,
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
    def __init__(self, services: pipeline.Services, echo: Callable[[str], None]) -> None:
        self.services = services
        self.echo = echo
        self.dirty = asyncio.Event()
        self.running: set[asyncio.Task[object]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        config = self.services.config
        self.services.store.sync_sources(config.sources, datetime.now(UTC))
        scheduler = AsyncIOScheduler(timezone=UTC, event_loop=asyncio.get_running_loop())
        add_source_jobs(scheduler, config.sources, self.check)
        add_digest_jobs(scheduler, config.digests, self.digest)
        publisher = asyncio.create_task(self.publish_when_dirty())
        scheduler.start()
        self.echo(f"worker started: {sum(s.enabled for s in config.sources)} sources")
        await stop.wait()
        scheduler.pause()
        if self.running:
            await asyncio.wait(self.running, timeout=STOP_GRACE.total_seconds())
        scheduler.shutdown(wait=False)
        publisher.cancel()
        if self.dirty.is_set():
            await self.publish()
        self.echo("worker stopped")

    async def check(self, source: Source) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.running.add(task)
        try:
            report = await pipeline.check_source(self.services, source)
            self.services.store.save_host_blocks(self.services.fetcher.blocked_until)
        finally:
            self.running.discard(task)
        for line in format_source(report):
            self.echo(line)
        if report.new or report.updated:
            self.dirty.set()

    async def publish_when_dirty(self) -> None:
        while True:
            await self.dirty.wait()
            # Debounce: sources often finish close together; publish once for all of them.
            await asyncio.sleep(PUBLISH_DEBOUNCE.total_seconds())
            await self.publish()

    async def publish(self) -> None:
        self.dirty.clear()
        changed = await pipeline.publish_site(self.services)
        self.echo(f"published: {len(changed)} file(s) changed")

    async def digest(self, spec: DigestSpec) -> None:
        for report in await pipeline.produce_due_digests(self.services, only=[spec.id]):
            for line in format_digest(report):
                self.echo(line)
