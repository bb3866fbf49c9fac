"""`status`, the metrics file and `/metrics`, run as real processes over real passes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_cli import syndicator
from test_operations import sample_config

from syndicator.demo import EXPECTED, SampleSite

pytestmark = pytest.mark.e2e

# One sample line of the text exposition format: name, optional labels, a value.
SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? \S+$'
)


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three passes: the army feed answers 500 in the last two (two failures in a row)."""
    folder = tmp_path_factory.mktemp("health")
    with SampleSite() as site:
        config = sample_config(
            folder,
            site,
            "\nmonitoring:\n  metrics_file: metrics/syndicator.prom\n  max_failures: 5\n",
        )
        assert syndicator(config, "run", "--workers", "0").returncode == 0
        site.fail("army", EXPECTED["feeds"]["army"], 500)
        for _ in range(2):
            assert syndicator(config, "run", "--workers", "0", "--force").returncode == 0
        yield config


def metrics_of(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    for line in text.splitlines():
        assert line.startswith("#") or SAMPLE.match(line), line
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_status_shows_each_source_and_stays_healthy_below_the_threshold(failing: Path) -> None:
    """Below monitoring.max_failures, status exits 0 and names the failing source's error."""
    result = syndicator(failing, "status")
    assert result.returncode == 0, result.stderr
    assert "9 articles in 8 stories" in result.stdout
    army = next(line for line in result.stdout.splitlines() if line.startswith("army-news"))
    assert "failed" in army and "2 failure(s) in a row" in army and "2 articles" in army
    assert "last error: http_status" in result.stdout
    assert "last run" in result.stdout and "worker: not running" in result.stdout


def test_status_exits_3_when_a_source_failed_more_than_n_times(failing: Path) -> None:
    """--max-failures 1: two failures in a row make the status unhealthy, exit 3."""
    result = syndicator(failing, "status", "--max-failures", "1")
    assert result.returncode == 3
    assert "FAILING" in result.stdout and "unhealthy: 1 source(s)" in result.stdout


def test_status_json_is_complete_for_machines(failing: Path) -> None:
    """--json carries every field per source, with the health verdict."""
    result = syndicator(failing, "status", "--json", "--max-failures", "1")
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert data["healthy"] is False and data["articles"] == 9 and data["last_publish"]
    sources = {s["id"]: s for s in data["sources"]}
    assert set(sources) == set(EXPECTED["source_ids"])
    army = sources["army-news"]
    assert army["consecutive_failures"] == 2 and army["failing"] is True
    assert army["last_error_kind"] == "http_status" and army["last_success"] < army["last_attempt"]
    assert army["next_due"] > army["last_attempt"] and army["articles"] == 2
    assert data["last_run"]["command"] == "run" and data["last_run"]["failed"] == 1


def test_each_run_writes_the_metrics_file_in_the_text_format(failing: Path) -> None:
    """The textfile parses as Prometheus text and says what status says."""
    path = failing.parent / "metrics" / "syndicator.prom"
    metrics = metrics_of(path.read_text(encoding="utf-8"))
    assert metrics[("syndicator_source_consecutive_failures", (("source", "army-news"),))] == 2
    assert metrics[("syndicator_source_consecutive_failures", (("source", "dod-news"),))] == 0
    assert metrics[("syndicator_source_articles", (("source", "dod-news"),))] == 3
    assert (
        metrics[
            ("syndicator_source_last_error", (("kind", "http_status"), ("source", "army-news")))
        ]
        == 1
    )
    assert metrics[("syndicator_articles", ())] == 9
    assert metrics[("syndicator_last_run_failed_sources", ())] == 1
    assert not list(path.parent.glob(".*"))  # written atomically: no temporary left


def test_serve_answers_metrics(failing: Path) -> None:
    """`syndicator serve` answers /metrics with the same text, next to the feeds."""
    with subprocess.Popen(
        [sys.executable, "-m", "syndicator", "--config", str(failing), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            url = re.search(r"at (http://\S+/) ", process.stdout.readline())
            assert url is not None
            with urllib.request.urlopen(url.group(1) + "metrics", timeout=30) as response:
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                metrics = metrics_of(response.read().decode("utf-8"))
            with urllib.request.urlopen(url.group(1) + "feeds/all.atom", timeout=30) as response:
                assert response.status == 200
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert metrics[("syndicator_source_consecutive_failures", (("source", "army-news"),))] == 2


def test_a_metrics_file_that_cannot_be_written_never_stops_a_run(tmp_path: Path) -> None:
    """Metrics are secondary: the run stores, publishes, reports and exits 0, and says why
    the file is missing."""
    (tmp_path / "blocker").write_text("a file where the metrics folder should be")
    with SampleSite() as site:
        config = sample_config(
            tmp_path, site, "\nmonitoring:\n  metrics_file: blocker/syndicator.prom\n"
        )
        result = syndicator(config, "run", "--workers", "0")
    assert result.returncode == 0, result.stderr
    assert "9 new articles" in result.stdout
    assert "metrics file not written" in result.stderr
    assert (tmp_path / "public" / "feeds" / "all.atom").is_file()
