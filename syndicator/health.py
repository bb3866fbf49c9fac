"""How the sources are doing, as values: what `status`, the metrics and the worker read.

Pure: built from what the store remembers (per-source state, counts, leases, the last
run), so `status`, `/metrics` and the textfile all say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .models import Config, SourceState


def due_at(state: SourceState, interval: timedelta) -> datetime | None:
    """When a source should next be checked; None when it never was (now).

    Its interval after the last check, or later when the store says to wait longer
    (backoff after failures, Retry-After, a feed's ttl, Cache-Control).
    """
    times = [t for t in (state.next_check,) if t is not None]
    if state.last_checked is not None:
        times.append(state.last_checked + interval)
    return max(times, default=None)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source as an operator sees it."""

    source_id: str
    name: str
    enabled: bool
    interval: timedelta
    state: SourceState
    articles: int
    next_due: datetime | None
    busy: str | None = None  # the owner of its lease, while a process works on it


@dataclass(frozen=True, slots=True)
class LastRun:
    """The latest stored run report, in brief."""

    command: str
    status: str
    started: datetime
    finished: datetime
    new: int
    failed: int


@dataclass(frozen=True, slots=True)
class Health:
    """Everything `status` shows and the metrics export."""

    at: datetime
    sources: tuple[SourceHealth, ...]
    articles: int
    stories: int
    last_publish: datetime | None
    last_run: LastRun | None
    worker: str | None  # the owner of the running worker's lease, if one runs

    def failing(self, max_failures: int) -> list[SourceHealth]:
        """Enabled sources that failed more than `max_failures` times in a row."""
        return [s for s in self.sources if s.enabled and s.state.failures > max_failures]


def build_health(
    config: Config,
    *,
    at: datetime,
    states: Mapping[str, SourceState],
    articles: Mapping[str, int],
    busy: Mapping[str, str],
    totals: Mapping[str, int],
    last_publish: datetime | None,
    last_run: LastRun | None,
    worker: str | None,
) -> Health:
    """Join the configuration with what the store remembers, source by source."""
    sources = []
    for source in config.sources:
        state = states.get(source.id, SourceState(source.id))
        sources.append(
            SourceHealth(
                source.id,
                source.name,
                source.enabled,
                source.interval,
                state,
                articles.get(source.id, 0),
                due_at(state, source.interval) if source.enabled else None,
                busy.get(source.id),
            )
        )
    return Health(
        at,
        tuple(sources),
        totals.get("articles", 0),
        totals.get("stories", 0),
        last_publish,
        last_run,
        worker,
    )


def health_json(health: Health, max_failures: int) -> dict[str, Any]:
    """The machine-readable `status --json` (times in RFC 3339, UTC)."""
    failing = {s.source_id for s in health.failing(max_failures)}
    run = health.last_run
    return {
        "at": _time(health.at),
        "healthy": not failing,
        "max_failures": max_failures,
        "articles": health.articles,
        "stories": health.stories,
        "last_publish": _time(health.last_publish),
        "last_run": None
        if run is None
        else {
            "command": run.command,
            "status": run.status,
            "started": _time(run.started),
            "finished": _time(run.finished),
            "new": run.new,
            "failed": run.failed,
        },
        "worker": health.worker,
        "sources": [
            {
                "id": s.source_id,
                "name": s.name,
                "enabled": s.enabled,
                "interval_seconds": int(s.interval.total_seconds()),
                "last_attempt": _time(s.state.last_checked),
                "last_success": _time(s.state.last_success),
                "last_error": s.state.last_error,
                "last_error_kind": s.state.last_error_kind,
                "consecutive_failures": s.state.failures,
                "next_due": _time(s.next_due),
                "articles": s.articles,
                "busy": s.busy,
                "failing": s.source_id in failing,
            }
            for s in health.sources
        ],
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
