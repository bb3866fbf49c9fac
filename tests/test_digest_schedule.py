"""The worker's digest jobs: one per digest, at its `at` time in its own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from syndicator.models import DigestSpec
from syndicator.schedule import add_digest_jobs


async def _job(spec: DigestSpec) -> None:
    return None


def test_each_digest_is_a_job_at_its_local_time_that_also_runs_at_start() -> None:
    """Daily at `at` in its zone, weekly on Mondays; first run at start (to catch up)."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    specs = (
        DigestSpec("daily", "D", at=time(6, 0), timezone="America/New_York"),
        DigestSpec("weekly", "W", period="weekly", at=time(7, 30), timezone="Europe/Berlin"),
    )
    before = datetime.now(UTC)
    add_digest_jobs(scheduler, specs, _job)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"digest:daily", "digest:weekly"}
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce and job.misfire_grace_time is None
        assert job.next_run_time >= before  # pending jobs: the first run is "now"
    daily = jobs["digest:daily"].trigger
    # 8 March 2026: New York changes to summer time; 06:00 is 11:00Z before, 10:00Z after.
    first = daily.get_next_fire_time(None, datetime(2026, 3, 7, 12, tzinfo=UTC))
    second = daily.get_next_fire_time(first, first)
    assert first.astimezone(UTC) == datetime(2026, 3, 8, 10, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2026, 3, 9, 10, tzinfo=UTC)
    weekly = jobs["digest:weekly"].trigger
    monday = weekly.get_next_fire_time(None, datetime(2026, 3, 11, tzinfo=UTC))
    assert monday.astimezone(UTC) == datetime(2026, 3, 16, 6, 30, tzinfo=UTC)
