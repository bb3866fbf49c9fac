"""The long-running worker: runs sources on schedule, publishes, stops cleanly on SIGTERM."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from syndicator.demo import EXPECTED, SampleSite
from syndicator.store import Store

pytestmark = pytest.mark.e2e


class Lines:
    """Lines a process prints, readable with a deadline (no sleeping)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, *texts: str, timeout: float = 60) -> None:
        """Block until every text has appeared in some line (in any order)."""
        missing = [text for text in texts if not any(text in line for line in self.seen)]
        while missing:
            line = self._queue.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"process ended before printing {missing}: {self.seen}")
            self.seen.append(line)
            missing = [text for text in missing if text not in line]


@contextmanager
def worker(config: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    """A worker process on `config` and its output lines; killed if the test fails."""
    with subprocess.Popen(
        worker_command(config, *args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            yield process, Lines(process)
        finally:
            if process.poll() is None:
                process.kill()


def worker_command(config: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "syndicator",
        "--config",
        str(config),
        "worker",
        "--workers",
        "0",
        *args,
    ]


def test_worker_runs_jobs_on_short_intervals_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Real jobs every second: each source is checked, then checked again (not modified),
    a publish follows; SIGTERM stops it with status 0, its leases released, its runs kept."""
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(
            site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8"
        )
        with worker(config, "--interval", "1s") as (process, lines):
            lines.wait_for("worker started: 4 sources")
            lines.wait_for(*EXPECTED["source_ids"])
            lines.wait_for("published:")
            lines.wait_for(*(f"{source_id}  not modified" for source_id in EXPECTED["source_ids"]))
            process.send_signal(signal.SIGTERM)
            lines.wait_for("worker stopped")
            assert process.wait(timeout=60) == 0
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom").read_bytes())
    assert not feed.bozo
    assert {e.title for e in feed.entries} == set(EXPECTED["published_titles"])
    with Store.open(tmp_path / "syndicator.db") as store:
        assert list(store.db.query("select * from leases")) == []
        runs = store.runs(100, command="worker")
    checked = [r["report"]["sources"][0]["source_id"] for r in runs]
    assert all(checked.count(source_id) >= 2 for source_id in EXPECTED["source_ids"])


def test_a_restarted_worker_resumes_from_the_stored_due_times(tmp_path: Path) -> None:
    """After a pass, a new worker schedules each source at its last check plus its interval
    (jittered by at most a tenth), so it re-checks nothing at start; SIGTERM at once is clean."""
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(
            site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8"
        )
        ran = subprocess.run(
            [sys.executable, "-m", "syndicator", "--config", str(config), "run", "--workers", "0"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 0
        requests_before = len(site.requests)
        with Store.open(tmp_path / "syndicator.db") as store:
            checked = {s.source_id: s.last_checked for s in store.states()}
        with worker(config) as (process, lines):
            lines.wait_for(*(f"next source:{source_id} at" for source_id in EXPECTED["source_ids"]))
            process.send_signal(signal.SIGTERM)
            lines.wait_for("worker stopped")
            assert process.wait(timeout=60) == 0
        assert len(site.requests) == requests_before
    for line in lines.seen:
        if line.strip().startswith("next source:"):
            source_id = line.split("source:")[1].split()[0]
            when = datetime.strptime(line.split(" at ")[1], "%Y-%m-%d %H:%M:%SZ").replace(
                tzinfo=UTC
            )
            due = checked[source_id] + timedelta(minutes=30)
            assert due - timedelta(seconds=1) <= when <= due + timedelta(minutes=3), line


def test_a_second_worker_on_one_database_refuses_to_start(tmp_path: Path) -> None:
    """The worker holds a lease of its own: another one on the same database exits 1."""
    config = tmp_path / "sources.yaml"
    config.write_text("database: s.db\nsources: []\n", encoding="utf-8")
    with Store.open(tmp_path / "s.db") as store:
        store.acquire_lease("worker", "otherhost:1:abc", datetime.now(UTC), timedelta(minutes=5))
    result = subprocess.run(
        worker_command(config), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "another worker runs" in result.stderr and "otherhost:1:abc" in result.stderr


def test_each_source_is_one_job_that_never_overlaps_itself() -> None:
    """Every enabled source gets its own interval job with max_instances=1."""
    from datetime import timedelta

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from syndicator.models import Source
    from syndicator.schedule import add_source_jobs

    scheduler = AsyncIOScheduler()
    sources = (
        Source("a", "A", "https://a.example/", interval=timedelta(minutes=15)),
        Source("b", "B", "https://b.example/", enabled=False),
    )

    async def check(source: Source) -> None:
        return None

    add_source_jobs(scheduler, sources, check)
    (job,) = scheduler.get_jobs()
    assert job.id == "source:a"
    assert job.max_instances == 1 and job.coalesce
    assert job.trigger.interval == timedelta(minutes=15)


def test_jobs_start_at_their_stored_due_time_with_bounded_jitter() -> None:
    """A source's first run is its due time plus at most a tenth of its interval."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from syndicator.models import Source
    from syndicator.schedule import add_source_jobs

    due = datetime.now(UTC) + timedelta(hours=1)
    scheduler = AsyncIOScheduler()
    source = Source("a", "A", "https://a.example/", interval=timedelta(minutes=30))

    async def check(source: Source) -> None:
        return None

    add_source_jobs(scheduler, [source], check, first_runs={"a": due})
    (job,) = scheduler.get_jobs()
    assert due <= job.next_run_time <= due + timedelta(minutes=3)
    assert job.misfire_grace_time == 1800 and job.trigger.jitter == 180
