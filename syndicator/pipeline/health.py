"""What the store remembers about health, read for `status` and the metrics; run reports."""

from __future__ import annotations

import logging
from datetime import datetime

from .. import publish
from ..errors import PublishError
from ..health import Health, LastRun, build_health
from ..metrics import render_metrics
from ..models import Config, RunReport
from ..report import report_record
from ..store import Store
from .leasing import WORKER_LEASE
from .services import Services

log = logging.getLogger(__name__)


def read_health(config: Config, store: Store, now: datetime) -> Health:
    """Everything `status` shows, from one store."""
    leases = store.leases(now)
    busy = {
        name.removeprefix("source:"): lease.owner
        for name, lease in leases.items()
        if name.startswith("source:")
    }
    runs = store.runs(1)
    last_run = None
    if runs:
        row = runs[0]
        started, finished = row["started"], row["finished"]
        last_run = LastRun(
            row["command"] or "run",
            row["status"] or "complete",
            datetime.fromisoformat(started),
            datetime.fromisoformat(finished),
            row["new"],
            row["failed"],
        )
    worker = leases.get(WORKER_LEASE)
    return build_health(
        config,
        at=now,
        states={state.source_id: state for state in store.states()},
        articles=store.articles_by_source(),
        busy=busy,
        totals=store.counts(),
        last_publish=store.published_at(),
        last_run=last_run,
        worker=worker.owner if worker else None,
    )


def write_metrics(services: Services) -> None:
    """Write the metrics file for node_exporter's textfile collector, if one is configured.

    Metrics are secondary: a file that cannot be written is logged, and never stops a
    run or the worker from storing and publishing what they found.
    """
    path = services.config.monitoring.metrics_file
    if path is None:
        return
    health = read_health(services.config, services.store, services.clock())
    try:
        publish.LocalFolder(path.parent).write(path.name, render_metrics(health))
    except PublishError as exc:
        log.warning("metrics file not written: %s", exc, extra={"stage": "metrics"})


def record_run(services: Services, report: RunReport, *, command: str, status: str) -> None:
    """Store the run report, then refresh the metrics file."""
    services.store.save_run(
        command=command,
        status=status,
        started=report.started,
        finished=report.finished,
        new=report.new,
        failed=report.failed,
        report=report_record(report),
    )
    write_metrics(services)
