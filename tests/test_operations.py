"""Runs beside other processes: leases per source, stopping mid-pass, stored run reports."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from faultserver import FaultServer, Hang, Reply
from test_cli import syndicator

from syndicator.config import load_config
from syndicator.demo import EXPECTED, SampleSite
from syndicator.models import SourceReport
from syndicator.pipeline import run_pass
from syndicator.runtime import open_services
from syndicator.store import Store

pytestmark = pytest.mark.e2e

BASE_URL = "https://feeds.example.org/"


def sample_config(folder: Path, site: SampleSite, extra: str = "") -> Path:
    """A sources.yaml for the sample site in `folder` (database and output beside it)."""
    path = folder / "sources.yaml"
    path.write_text(site.sources_yaml(base_url=BASE_URL) + extra, encoding="utf-8")
    return path


def test_run_skips_a_source_another_process_holds_and_takes_over_an_expired_lease(
    tmp_path: Path,
) -> None:
    """A live lease (a worker checking the source) is respected and reported; a lease
    left by a killed process (expired) is taken over; the run releases what it took."""
    now = datetime.now(UTC)
    with SampleSite() as site:
        config = sample_config(tmp_path, site)
        with Store.open(tmp_path / "syndicator.db") as store:
            store.acquire_lease("source:dod-news", "workerhost:41:aa", now, timedelta(hours=1))
            store.acquire_lease(
                "source:army-news", "killed:42:bb", now - timedelta(hours=1), timedelta(minutes=5)
            )
        result = syndicator(config, "run", "--workers", "0")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("dod-news"))
    assert "skipped" in line and "busy: workerhost:41:aa works on it" in line
    army = next(x for x in result.stdout.splitlines() if x.startswith("army-news"))
    assert "2 new" in army
    with Store.open(tmp_path / "syndicator.db") as store:
        leases = store.leases(now)
        (run,) = store.runs()
    assert set(leases) == {"source:dod-news"}  # only the other process's live lease is left
    statuses = {s["source_id"]: s["status"] for s in run["report"]["sources"]}
    assert statuses == {
        "dod-news": "skipped",
        "republisher": "ok",
        "army-news": "ok",
        "tradepress": "ok",
    }
    assert run["command"] == "run" and run["status"] == "complete" and run["new"] == 6


def test_due_only_skips_sources_checked_within_their_interval(tmp_path: Path) -> None:
    """`run --due-only` right after a pass checks nothing and says when each is due."""
    with SampleSite() as site:
        config = sample_config(tmp_path, site)
        assert syndicator(config, "run", "--workers", "0").returncode == 0
        seen = len(site.requests)
        result = syndicator(config, "run", "--due-only", "--source", "dod-news")
        assert len(site.requests) == seen
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout and "not due until" in result.stdout
    assert syndicator(config, "run", "--due-only", "--force").returncode == 2


def test_stopping_a_pass_abandons_checks_in_flight_and_keeps_what_finished(
    tmp_path: Path,
) -> None:
    """Stop (what SIGTERM sets) while one source hangs: the finished sources' articles are
    kept, the hanging one is abandoned and reported, leases are released, nothing is
    published, and the run is stored as interrupted."""
    with SampleSite() as site, FaultServer() as server:
        server.route("/feed.xml", Hang())
        server.route("/robots.txt", Reply(404, b""))
        config_path = tmp_path / "sources.yaml"
        settings = yaml.safe_load(site.sources_yaml(base_url=BASE_URL))
        settings["sources"].append(
            {"id": "stalled", "name": "Stalled", "url": server.url("/feed.xml")}
        )
        config_path.write_text(yaml.safe_dump(settings), encoding="utf-8")
        config = load_config(config_path)
        ids = set(EXPECTED["source_ids"])

        async def go() -> object:
            stop = asyncio.Event()

            def reported(report: SourceReport) -> None:
                ids.discard(report.source_id)
                if not ids:
                    stop.set()  # every source but the hanging one is done

            async with open_services(config, workers=0) as services:
                return await run_pass(services, stop=stop, on_report=reported, grace=timedelta(0))

        report = asyncio.run(go())
    by_id = {r.source_id: r for r in report.sources}  # type: ignore[attr-defined]
    assert by_id["stalled"].status == "skipped" and "interrupted" in by_id["stalled"].note
    assert report.published == ()  # type: ignore[attr-defined]
    assert not (tmp_path / "public" / "feeds").exists()
    with Store.open(tmp_path / "syndicator.db") as store:
        assert store.counts()["articles"] == 9
        assert list(store.db.query("select * from leases")) == []
        (run,) = store.runs()
        assert run["status"] == "interrupted"
        assert store.source_state("stalled").last_checked is None  # checked again next time
