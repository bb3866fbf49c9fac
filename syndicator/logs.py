"""Logging for operators: one line per event naming its source and stage, text or JSON.

On a terminal the default level is INFO (what each source did); elsewhere (cron,
systemd, a container) only problems (WARNING and up) unless `-v`. `-vv` adds debug
lines, including each HTTP request. Events carry `source` and `stage` as fields, so
JSON lines are easy to filter (`jq 'select(.source == "dod-news")'`).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from .models import SourceReport

LogFormat = Literal["text", "json"]

# Fields an event may carry besides its message (passed with `extra=`).
FIELDS = ("source", "stage", "kind", "url", "status", "new", "updated", "unchanged", "failed")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class TextFormatter(logging.Formatter):
    """`2026-03-01T12:00:00Z WARNING source=dod-news stage=fetch: message`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in _fields(record).items() if v is not None)
        line = f"{_time(record)} {record.levelname} {fields + ': ' if fields else ''}"
        line += record.getMessage()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def configure_logging(verbosity: int, fmt: LogFormat, stream: TextIO | None = None) -> int:
    """Send our log lines to stderr in `fmt`; returns the level chosen."""
    stream = stream or sys.stderr
    if verbosity >= 2:
        level = logging.DEBUG
    elif verbosity == 1 or _is_terminal(stream):
        level = logging.INFO
    else:
        level = logging.WARNING
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # One line per HTTP request is debug detail here, whatever those libraries think.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    return level


def log_source_report(log: logging.Logger, report: SourceReport) -> None:
    """One event for what a source's check did, and one per failure it met.

    A failed source is an error; a page that could not be had (it is retried) or a
    warning about the feed is information, since the source as a whole worked.
    """
    counts = {"new": report.new, "updated": report.updated, "unchanged": report.unchanged}
    level = logging.ERROR if report.status == "failed" else logging.INFO
    text = f"{report.status}: {report.new} new, {report.updated} updated"
    text += f", {report.unchanged} unchanged" + (f"; {report.note}" if report.note else "")
    extra = {"source": report.source_id, "stage": "source", "status": report.status, **counts}
    log.log(level, text, extra=extra)
    for failure in report.failures:
        own = failure.stage in ("fetch", "discover", "source")
        log.log(
            logging.ERROR if own and report.status == "failed" else logging.INFO,
            failure.message,
            extra={
                "source": report.source_id,
                "stage": failure.stage,
                "kind": failure.kind,
                "url": failure.url,
            },
        )


class Progress:
    """`[3/40] dod-news ok` on one line of a terminal, rewritten as sources finish.

    Shown only on an interactive terminal: in a log file it would only be noise.
    """

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.new = 0
        self.enabled = _is_terminal(self.stream) and total > 1

    def update(self, report: SourceReport) -> None:
        self.done += 1
        self.new += report.new
        if self.enabled:
            line = f"[{self.done}/{self.total}] {self.new} new; {report.source_id} {report.status}"
            self.stream.write(f"\r\x1b[2K{line[:200]}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    found = {key: getattr(record, key) for key in FIELDS if hasattr(record, key)}
    found.update(
        (key, value)
        for key, value in record.__dict__.items()
        if key not in _STANDARD and key not in found and not key.startswith("_")
    )
    return found


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
