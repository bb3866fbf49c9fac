"""Politeness limits: per-host concurrency and spacing, a global cap, Retry-After blocks.

A request first takes one of its host's slots, waits out the host's minimum gap, and
only then takes a global slot, so a request queued behind a slow or rate-limited host
never holds a global slot other hosts could use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# A robots.txt Crawl-delay is honoured up to this; beyond it one page of a feed's
# articles could take hours, and a delay that long is a configuration slip.
MAX_CRAWL_DELAY = timedelta(seconds=60)


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    # Held from "my turn to start" until the request has started: one start at a time,
    # so two slot holders cannot both start at the end of the same gap.
    starting: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float | None = None


class HostLimiter:
    """Grants request slots by host; one per `Fetcher`, so limits hold across all its calls."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host_concurrency: int,
        per_host_delay: timedelta,
        blocked_until: Mapping[str, datetime] | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host_concurrency
        self._delay = per_host_delay.total_seconds()
        self._hosts: dict[str, _Host] = {}
        self._blocked: dict[str, datetime] = dict(blocked_until or {})
        self._monotonic = monotonic
        self._sleep = sleep

    @asynccontextmanager
    async def slot(self, host: str, *, crawl_delay: timedelta | None = None) -> AsyncIterator[None]:
        """Hold a request slot for `host`: inside, the request may run."""
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host))
        gap = self._delay
        if crawl_delay is not None:
            gap = max(gap, min(crawl_delay, MAX_CRAWL_DELAY).total_seconds())
        async with state.slots:
            async with state.starting:
                if state.last_start is not None:
                    wait = state.last_start + gap - self._monotonic()
                    if wait > 0:
                        await self._sleep(wait)
                await self._global.acquire()
                state.last_start = self._monotonic()
            try:
                yield
            finally:
                self._global.release()

    # --- Retry-After ------------------------------------------------------------------

    def block(self, host: str, until: datetime) -> None:
        """No request to `host` before `until` (a later expiry never shortens an earlier one)."""
        current = self._blocked.get(host)
        if current is None or until > current:
            self._blocked[host] = until

    def blocked(self, host: str, now: datetime) -> datetime | None:
        """When `host` may be asked again, if that is still in the future."""
        until = self._blocked.get(host)
        return until if until is not None and until > now else None

    def blocks(self, now: datetime) -> dict[str, datetime]:
        """Every block still in force at `now`: host -> expiry."""
        return {host: until for host, until in self._blocked.items() if until > now}
