"""`syndicator demo`: what it prints, where it writes, how it serves.

What the pipeline publishes for the sample site (one item per story, clean text, credits,
304s on a second pass, edits) is pinned by tests/test_end_to_end.py.
"""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from syndicator.demo import EXPECTED, run_demo
from syndicator.errors import SyndicatorError

pytestmark = pytest.mark.e2e


class Demo:
    """One `run_demo` over a fresh folder: what it printed and what it wrote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lines: list[str] = []
        run_demo(
            folder, port=8080, serve=False, echo=lambda text: self.lines.extend(text.split("\n"))
        )
        self.output = folder / "public"
        self.atom = feedparser.parse((self.output / "feeds" / "all.atom").read_bytes())

    @property
    def printed(self) -> str:
        return "\n".join(self.lines)

    def site_url(self, name: str, path: str) -> str:
        """A sample-site URL as the demo printed it (the ports change on every run)."""
        prefix = next(line.split()[1] for line in self.lines if line.split()[:1] == [name])
        return prefix + path.lstrip("/")

    def entry(self, title: str) -> Any:
        (found,) = [entry for entry in self.atom.entries if entry.title == title]
        return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return Demo(tmp_path_factory.mktemp("demo") / "out")


def test_report_has_every_source_and_the_robots_skip(demo: Demo) -> None:
    """The printed report has a line per source and names the robots-disallowed page."""
    for source_id in EXPECTED["source_ids"]:
        assert any(line.startswith(f"{source_id} ") and " ok " in line for line in demo.lines)
    skipped = [line for line in demo.lines if "robots_disallowed" in line]
    assert len(skipped) == 1 and EXPECTED["robots_disallowed_path"] in skipped[0]


def test_the_summary_says_how_many_stories_were_merged(demo: Demo) -> None:
    """The demo ends by saying how many stories it published and which ran twice."""
    assert "8 stories published; 1 also appeared elsewhere" in demo.printed


def test_the_summary_names_the_credit_and_the_copy(demo: Demo) -> None:
    """The printed summary names the original's publisher and where the copy ran."""
    copy_url = demo.site_url("republisher", EXPECTED["copy_path"])
    assert f"credited to {EXPECTED['original_publisher']}" in demo.printed
    assert f"also at {EXPECTED['copy_source_name']}: {copy_url}" in demo.printed


def test_the_demo_writes_the_digests_of_the_sample_days(demo: Demo) -> None:
    """Each digest of the sample sources.yaml is written for the days the stories are dated."""
    digests = demo.output / "digests"
    daily = html.unescape((digests / "daily" / "2025-11-04.html").read_text())
    assert "Defense Daily Brief" in daily and EXPECTED["original_title"] in daily
    weekly = (digests / "weekly" / "2025-11-03.txt").read_text()
    assert EXPECTED["separate_title"] in " ".join(weekly.split())
    archive = (digests / "index.html").read_text()
    assert "daily/2025-11-04.html" in archive and "weekly/2025-11-03.html" in archive


def test_folder_is_written_and_reset_on_the_next_run(tmp_path: Path) -> None:
    """The demo writes config, database and output, and a second run starts afresh."""
    folder = tmp_path / "demo"
    first = Demo(folder)
    assert (folder / "sources.yaml").is_file() and (folder / "syndicator.db").is_file()
    assert (first.output / "index.html").is_file() and (first.output / "feeds.opml").is_file()
    second = Demo(folder)  # new ports: stale items from the first run would show up twice
    assert len(second.atom.entries) == len(EXPECTED["published_titles"])
    assert second.site_url("dod", "/") != first.site_url("dod", "/")


def test_a_foreign_folder_is_left_alone(tmp_path: Path) -> None:
    """A non-empty folder the demo did not make is refused, and nothing in it changes."""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SyndicatorError, match="not made by `syndicator demo`"):
        run_demo(tmp_path, port=8080, serve=False, echo=lambda line: None)
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    """Asking to serve on a port already in use fails with one clear message, before any pass."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SyndicatorError, match=f"cannot serve on 127.0.0.1:{port}"):
            run_demo(tmp_path / "demo", port=port, serve=True, echo=lambda line: None)
    assert not (tmp_path / "demo" / "sources.yaml").exists()


@pytest.fixture
def serving_demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`python -m syndicator demo --port 0` in a child process, read up to "Serving"."""
    command = [sys.executable, "-m", "syndicator", "demo", "--port", "0", "--dir", str(tmp_path)]
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    watchdog = threading.Timer(120, child.kill)  # never let a hung child hang the suite
    watchdog.start()
    lines: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Serving"):
                break
        yield child, lines
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
        child.communicate()


def test_the_command_serves_the_result_until_ctrl_c(
    serving_demo: tuple[subprocess.Popen[str], list[str]],
) -> None:
    """`syndicator demo` serves the published folder at the URLs it prints, and stops on Ctrl-C."""
    child, lines = serving_demo
    assert lines[-1].startswith("Serving"), "\n".join(lines)
    urls = {line.split()[-1] for line in lines if line.startswith("  ") and "://" in line}
    index = next(url for url in urls if url.endswith("/index.html"))
    page = httpx.get(index)
    assert page.status_code == 200 and EXPECTED["original_title"] in html.unescape(page.text)
    feed = httpx.get(index.replace("index.html", "feeds/all.atom"))
    assert feed.headers["content-type"].startswith("application/atom+xml")
    child.send_signal(signal.SIGINT)
    output, _ = child.communicate(timeout=60)
    assert child.returncode == 0
    assert "Stopped." in output
