"""The long-running worker: runs sources on schedule, publishes, stops cleanly on SIGTERM."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import feedparser
import pytest

from syndicator.demo import EXPECTED, SampleSite

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


def test_worker_checks_sources_publishes_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The worker checks every source at start, publishes, and exits 0 on SIGTERM."""
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(
            site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8"
        )
        command = [
            sys.executable,
            "-m",
            "syndicator",
            "--config",
            str(config),
            "worker",
            "--workers",
            "0",
        ]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as process:
            try:
                lines = Lines(process)
                lines.wait_for("worker started: 4 sources")
                lines.wait_for(*EXPECTED["source_ids"])
                lines.wait_for("published:")
                process.send_signal(signal.SIGTERM)
                lines.wait_for("worker stopped")
                assert process.wait(timeout=60) == 0
            finally:
                if process.poll() is None:
                    process.kill()
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom").read_bytes())
    assert not feed.bozo
    assert {e.title for e in feed.entries} == set(EXPECTED["published_titles"])


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
