"""Run reports and the figures `status` and the metrics show."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .reading import Reading
from .rows import to_datetime, to_text


class RunLog(Reading):
    """The `runs` table, small facts in `meta`, and per-source counts; `Store` mixes it in."""

    if TYPE_CHECKING:

        def _writing(self) -> AbstractContextManager[None]: ...

    def save_run(
        self,
        *,
        command: str,
        status: str,
        started: datetime,
        finished: datetime,
        new: int,
        failed: int,
        report: dict[str, Any],
    ) -> int:
        """Store one run report (the per-source detail as JSON); returns its id."""
        with self._writing():
            cursor = self.db.execute(
                "insert into runs (started, finished, new, failed, report, command, status) "
                "values (?, ?, ?, ?, ?, ?, ?)",
                [
                    to_text(started),
                    to_text(finished),
                    new,
                    failed,
                    json.dumps(report, sort_keys=True),
                    command,
                    status,
                ],
            )
        return int(cursor.lastrowid or 0)

    def runs(self, limit: int = 10, command: str | None = None) -> list[dict[str, Any]]:
        """The latest run reports, newest first, with `report` parsed."""
        where, params = ("where command = ?", [command]) if command else ("", [])
        rows = self.db.query(
            f"select * from runs {where} order by id desc limit ?",  # noqa: S608 (constant)
            [*params, limit],
        )
        return [{**row, "report": json.loads(row["report"] or "{}")} for row in rows]

    def articles_by_source(self) -> dict[str, int]:
        """How many stored articles each source has listed."""
        rows = self.db.query(
            "select source_id, count(distinct article_id) as n from entries group by source_id"
        )
        return {row["source_id"]: row["n"] for row in rows}

    def mark_published(self, when: datetime) -> None:
        """Remember when the output was last rendered (`status`, metrics)."""
        with self._writing():
            self.db.execute(
                "insert into meta (key, value) values ('published_at', ?) "
                "on conflict (key) do update set value = excluded.value",
                [to_text(when)],
            )

    def published_at(self) -> datetime | None:
        row = self._get("meta", key="published_at")
        return to_datetime(row["value"]) if row else None
