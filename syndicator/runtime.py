"""Build the services a pass works with from a Config (shared by the CLI and the worker)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime

import httpx

from .fetch import Fetcher
from .models import Config, EmailSettings
from .pipeline import Services, utc_now
from .publish import LocalFolder
from .store import Store

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def smtp_password(settings: EmailSettings, environ: Mapping[str, str]) -> str | None:
    """The SMTP password from the environment variable the settings name (never the file)."""
    return environ.get(settings.password_env) if settings.password_env else None


def default_workers() -> int:
    """Processes for extraction: the cores we may use, leaving the event loop its own."""
    return max(
        1,
        min(
            4,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
        ),
    )


def extraction_executor(workers: int) -> Executor | None:
    """A process pool for CPU-heavy cleaning, or None to extract inline (workers=0).

    forkserver/spawn rather than fork: forking a process that runs an event loop and
    threads can deadlock the child.
    """
    if workers <= 0:
        return None
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


@asynccontextmanager
async def open_services(
    config: Config, *, workers: int | None = None, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the store, the polite fetcher, the output folder and the extraction pool."""
    store = Store.open(config.database)
    executor = extraction_executor(default_workers() if workers is None else workers)
    hub_client = (
        httpx.AsyncClient(
            timeout=config.fetch.timeout.total_seconds(),
            headers={"User-Agent": config.fetch.user_agent},
        )
        if config.site.websub_hub
        else None
    )
    try:
        fetcher = Fetcher(
            config.fetch, robots=store, clock=clock, blocked_until=store.host_blocks(clock())
        )
        async with fetcher:
            yield Services(
                config=config,
                store=store,
                fetcher=fetcher,
                target=LocalFolder(config.output_dir),
                clock=clock,
                executor=executor,
                hub_client=hub_client,
                smtp_password=smtp_password(config.digest.email, os.environ),
            )
    finally:
        if hub_client is not None:
            await hub_client.aclose()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        store.close()


@asynccontextmanager
async def stopped_by_signals() -> AsyncIterator[asyncio.Event]:
    """An event that SIGTERM and SIGINT set (instead of killing the process) in the block."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, _stop_once, signum, stop)
    try:
        yield stop
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


def _stop_once(signum: int, stop: asyncio.Event) -> None:
    if not stop.is_set():
        log.warning(
            "%s: stopping (no new work; work in flight gets a grace period)",
            signal.Signals(signum).name,
            extra={"stage": "stop"},
        )
    stop.set()
