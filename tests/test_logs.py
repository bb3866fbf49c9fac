"""Log lines for operators: one per event, with source and stage; quiet off a terminal."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from test_cli import syndicator
from test_operations import sample_config

from syndicator.demo import SampleSite
from syndicator.logs import Progress, configure_logging, log_source_report
from syndicator.models import Failure, SourceReport


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


FAILED = SourceReport(
    "army-news",
    "failed",
    failures=(Failure("fetch", "http_status", "HTTP 500 for http://x/feed", "http://x/feed"),),
    duration=timedelta(seconds=1),
)
OK = SourceReport(
    "dod-news", "ok", new=3, failures=(Failure("page", "timeout", "slow", "http://x/a"),)
)


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_source_and_stage_of_each_event() -> None:
    """--log-format json: one object per line, with source, stage and kind."""
    stream = io.StringIO()
    configure_logging(1, "json", stream)
    log_source_report(logging.getLogger("syndicator.test"), FAILED)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x["source"], x["stage"], x["level"]) for x in lines] == [
        ("army-news", "source", "error"),
        ("army-news", "fetch", "error"),
    ]
    assert lines[1]["kind"] == "http_status" and lines[1]["url"] == "http://x/feed"
    assert lines[0]["time"].endswith("Z") and lines[0]["status"] == "failed"


@pytest.mark.usefixtures("restore_logging")
def test_off_a_terminal_only_problems_are_logged_unless_verbose() -> None:
    """Default level: WARNING in a pipe (cron, journald), INFO on a terminal; -v: INFO."""
    pipe, terminal = io.StringIO(), Terminal()
    assert configure_logging(0, "text", pipe) == logging.WARNING
    log_source_report(logging.getLogger("syndicator.test"), OK)
    log_source_report(logging.getLogger("syndicator.test"), FAILED)
    text = pipe.getvalue()
    assert "dod-news" not in text
    assert "ERROR source=army-news stage=fetch kind=http_status" in text
    assert configure_logging(0, "text", terminal) == logging.INFO
    assert configure_logging(1, "text", io.StringIO()) == logging.INFO
    assert configure_logging(2, "text", io.StringIO()) == logging.DEBUG


def test_progress_is_drawn_on_a_terminal_only() -> None:
    """The progress line rewrites itself on a terminal and stays out of pipes."""
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(2, stream)
        progress.update(OK)
        progress.update(FAILED)
        progress.close()
    assert "[1/2] 3 new; dod-news ok" in terminal.getvalue()
    assert "[2/2] 3 new; army-news failed" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[2K") and pipe.getvalue() == ""


@pytest.mark.e2e
def test_a_quiet_run_under_cron_prints_nothing_when_all_is_well(tmp_path: Path) -> None:
    """`run -q` off a terminal: no report, no log line, exit 0."""
    with SampleSite() as site:
        result = syndicator(sample_config(tmp_path, site), "run", "-q", "--workers", "0")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""
