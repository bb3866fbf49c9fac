"""Leases while a process works on sources: taken before, renewed during, released after.

A cron `run` and a worker may share one database; a lease per source keeps them from
checking the same source at once. While work goes on, a background task renews the
leases and commits a grouped pass's writes every second, so another process never
waits long for the write lock and never sees a live lease expire. A lease is released
only after its source's writes are committed.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from ..errors import StoreError
from ..store import Lease
from .services import Services

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=5)  # how long a killed process can block a source
RENEW_EVERY = timedelta(minutes=1)
COMMIT_EVERY = timedelta(seconds=1)
WORKER_LEASE = "worker"


def source_lease(source_id: str) -> str:
    return f"source:{source_id}"


class LeaseKeeper:
    """The leases this process holds, renewed until released."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.held: set[str] = set()

    def take(self, name: str) -> bool:
        """Take a lease; False when another live process holds it."""
        services = self.services
        if services.store.acquire_lease(name, services.owner, services.clock(), LEASE_TTL):
            self.held.add(name)
            return True
        return False

    def holder(self, name: str) -> Lease | None:
        return self.services.store.leases(self.services.clock()).get(name)

    def busy_note(self, name: str) -> str:
        """Why a source was skipped, for its report line."""
        lease = self.holder(name)
        if lease is None:
            return "busy: another process works on it"
        return f"busy: {lease.owner} works on it (lease until {lease.expires_at:%H:%M:%S}Z)"

    def release(self, *names: str) -> None:
        """Commit what was written so far, then give the leases up."""
        mine = [name for name in names if name in self.held]
        self.services.store.release_leases(mine, self.services.owner)
        self.held.difference_update(mine)

    def renew(self) -> None:
        services = self.services
        names = sorted(self.held)
        for name in services.store.renew_leases(names, services.owner, services.clock(), LEASE_TTL):
            self.held.discard(name)
            log.error(
                "lease %s was taken over: this process stalled for longer than %s",
                name,
                LEASE_TTL,
                extra={"stage": "lease", "source": name.removeprefix("source:")},
            )

    async def keep(self) -> None:
        """Commit every second and renew every minute, until cancelled."""
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        while True:
            await asyncio.sleep(COMMIT_EVERY.total_seconds())
            try:
                self.services.store.commit_pending()
                if self.held and loop.time() - renewed >= RENEW_EVERY.total_seconds():
                    self.renew()
                    renewed = loop.time()
            except (StoreError, sqlite3.Error) as exc:
                # A busy or failing database this second must not end the keeper: the
                # leases would then expire while the work goes on. Try again next second.
                log.error("keeping leases: %s", exc, extra={"stage": "lease"})


@asynccontextmanager
async def keeping_leases(services: Services) -> AsyncIterator[LeaseKeeper]:
    """A LeaseKeeper whose leases are renewed while the block runs and released after it."""
    keeper = LeaseKeeper(services)
    task = asyncio.create_task(keeper.keep())
    try:
        yield keeper
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        keeper.release(*keeper.held)
