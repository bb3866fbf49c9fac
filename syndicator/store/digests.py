"""The digest side of the store: a period's stories, the digest archive and mail deliveries.

A digest is issued once per period and mailed once per recipient: each delivery is a
row whose status moves pending -> sending -> sent (or failed, to retry). A row left in
`sending` means the process died mid-send; it is never retried, so nobody gets a digest
twice, and it is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

from ..digest.values import Delivery, Issue
from ..models import StoredArticle, TopicFeed
from .browsing import Browsing
from .reading import _STORY_SELECT
from .rows import to_datetime, to_text


class DigestArchive(Browsing):
    """Queries and records for digests; `Store` supplies the transactions."""

    def _writing(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # Store's: a transaction that turns errors into StoreError

    def _put(self, table: str, row: Mapping[str, Any], *, key: tuple[str, ...] = ()) -> None:
        raise NotImplementedError  # Store's: insert, or upsert on `key`

    # --- stories -------------------------------------------------------------------------

    def digest_stories(
        self,
        start: datetime,
        end: datetime,
        *,
        tags: Sequence[str] = (),
        sources: Sequence[str] = (),
        topic: TopicFeed | None = None,
        seen_by: datetime | None = None,
        limit: int,
    ) -> tuple[list[StoredArticle], int]:
        """One item per visible story dated in [start, end), newest first, and how many
        there are in all: a story qualifies when any visible copy carries one of `tags`,
        any comes from one of `sources`, and (with `topic`) a visible copy matches the
        topic feed's query (an empty filter lets every story through); with `seen_by`, only
        stories we had by then (a digest mailed again is the one that was issued)."""
        where, params = "and s.date >= ? and s.date < ? ", [to_text(start), to_text(end)]
        filters = _story_filters(tags, sources)
        if topic is not None:
            condition, values = self._topic_condition(topic)
            filters.append((f"and {condition} ", values))
        if seen_by is not None:
            filters.append((_SEEN_BY_FILTER, [to_text(seen_by)]))
        for clause, values in filters:
            where += clause
            params += values
        rows = self.db.query(
            _STORY_SELECT + where + "order by s.date desc, s.id limit ?",
            [*params, limit],
        )
        stored = self._stored(list(rows))
        if len(stored) < limit:
            return stored, len(stored)
        counted = self.db.execute(
            "select count(*) from stories s join articles a on a.id = s.representative_id "  # noqa: S608
            "where a.hidden = 0 " + where,
            params,
        ).fetchone()
        return stored, int(counted[0])

    # --- our copies of stories --------------------------------------------------------------

    def remember_story_pages(
        self, story_ids: Iterable[str], at: datetime, *, withdrawn: Iterable[str] = ()
    ) -> None:
        """Record that these stories' pages were written now (`withdrawn`: as a notice)."""
        gone = set(withdrawn)
        rows = [(story_id, to_text(at), int(story_id in gone)) for story_id in {*story_ids, *gone}]
        with self._writing():
            self.db.conn.executemany(
                "insert into story_pages (story_id, written_at, withdrawn) values (?, ?, ?) "
                "on conflict (story_id) do update set written_at = excluded.written_at, "
                "withdrawn = excluded.withdrawn",
                rows,
            )

    def stale_story_pages(
        self, *, everything: bool = False
    ) -> tuple[list[StoredArticle], list[str]]:
        """Pages written before their story last changed, or whose story was hidden or shown
        again since (with `everything`, every page): the stories to render again, and the
        ids of those now hidden."""
        stale = (
            ""
            if everything
            else "where a.hidden != p.withdrawn or a.changed_at > p.written_at "
            "or s.changed_at > p.written_at "
        )
        rows = list(
            self.db.query(
                "select a.*, s.changed_at as story_changed_at from story_pages p "  # noqa: S608
                "join stories s on s.id = p.story_id join articles a on a.id = s.representative_id "
                f"{stale}order by s.id"
            )
        )
        shown = [row for row in rows if not row["hidden"]]
        return self._stored(shown), [row["story_id"] for row in rows if row["hidden"]]

    # --- the archive -----------------------------------------------------------------------

    def digest_issue(self, digest_id: str, first_day: date) -> Issue | None:
        row = self._get("digest_issues", digest_id=digest_id, first_day=first_day.isoformat())
        return _issue(row) if row else None

    def digest_issues(self) -> list[Issue]:
        """Every issue of every digest, newest period first."""
        rows = self.db.query("select * from digest_issues order by first_day desc, digest_id")
        return [_issue(row) for row in rows]

    def first_dispatched(self, digest_id: str) -> date | None:
        """The first period of `digest_id` that was issued on schedule."""
        row = self.db.execute(
            "select min(first_day) from digest_issues "
            "where digest_id = ? and dispatched_at is not null",
            [digest_id],
        ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def save_digest_issue(self, issue: Issue) -> Issue:
        """Record a built digest; an existing record keeps its build and dispatch times,
        and its `changed_at` moves only when the content did. Returns what is stored."""
        with self._writing():
            stored = self.digest_issue(issue.digest_id, issue.first_day)
            if stored is not None:
                changed = stored.content_hash != issue.content_hash
                issue = Issue(
                    **{
                        **_fields(issue),
                        "built_at": stored.built_at,
                        "changed_at": issue.changed_at if changed else stored.changed_at,
                        "dispatched_at": stored.dispatched_at,
                    }
                )
            self._put("digest_issues", _issue_row(issue), key=("digest_id", "first_day"))
        return issue

    def dispatch(
        self, digest_id: str, first_day: date, recipients: Iterable[str], at: datetime
    ) -> None:
        """Issue a digest: mark it dispatched and plan its deliveries, in one transaction
        (a process dying between the two would leave an issue nobody is ever mailed)."""
        with self._writing():
            self.db.execute(
                "update digest_issues set dispatched_at = ? where digest_id = ? "
                "and first_day = ? and dispatched_at is null",
                [to_text(at), digest_id, first_day.isoformat()],
            )
            self._plan_deliveries(digest_id, first_day, recipients, at)

    # --- deliveries ------------------------------------------------------------------------

    def _plan_deliveries(
        self, digest_id: str, first_day: date, recipients: Iterable[str], at: datetime
    ) -> None:
        """A pending delivery per recipient that has none yet for this issue."""
        self.db.conn.executemany(
            "insert or ignore into digest_deliveries "
            "(digest_id, first_day, recipient, status, attempts, planned_at) "
            "values (?, ?, ?, 'pending', 0, ?)",
            [(digest_id, first_day.isoformat(), r, to_text(at)) for r in recipients],
        )

    def open_deliveries(self, since: datetime) -> list[Delivery]:
        """Deliveries planned since `since` that are not sent: pending, failed or in doubt."""
        rows = self.db.query(
            "select * from digest_deliveries where status != 'sent' and planned_at >= ? "
            "order by first_day, digest_id, recipient",
            [to_text(since)],
        )
        return [_delivery(row) for row in rows]

    def deliveries(self, digest_id: str, first_day: date) -> list[Delivery]:
        rows = self.db.query(
            "select * from digest_deliveries where digest_id = ? and first_day = ? "
            "order by recipient",
            [digest_id, first_day.isoformat()],
        )
        return [_delivery(row) for row in rows]

    def start_delivery(self, delivery: Delivery, at: datetime) -> bool:
        """Claim a pending or failed delivery as being sent, before the message leaves;
        False when it is no longer open (another process claimed or sent it)."""
        claimed = self._set_delivery(
            delivery,
            "status = 'sending', attempts = attempts + 1, last_attempt = ?",
            [to_text(at)],
            only_if="status in ('pending', 'failed')",
        )
        return claimed == 1

    def finish_delivery(self, delivery: Delivery, at: datetime, error: str | None) -> None:
        """Record the outcome: sent, or failed (to retry) with the reason."""
        if error is None:
            self._set_delivery(
                delivery, "status = 'sent', sent_at = ?, last_error = null", [to_text(at)]
            )
        else:
            self._set_delivery(delivery, "status = 'failed', last_error = ?", [error])

    def _set_delivery(
        self, delivery: Delivery, assignments: str, values: list[Any], *, only_if: str = "1"
    ) -> int:
        with self._writing():
            cursor = self.db.execute(
                f"update digest_deliveries set {assignments} "  # noqa: S608 (our assignments)
                f"where digest_id = ? and first_day = ? and recipient = ? and {only_if}",
                [*values, delivery.digest_id, delivery.first_day.isoformat(), delivery.recipient],
            )
        return int(cursor.rowcount)


def _story_filters(tags: Sequence[str], sources: Sequence[str]) -> list[tuple[str, list[Any]]]:
    """SQL conditions on a story `s`, one per filter a digest sets (a new filter is one
    more entry: a condition on `s` and its bound values)."""
    filters: list[tuple[str, list[Any]]] = []
    if tags:
        filters.append((_TAG_FILTER.format(_marks(tags)), list(tags)))
    if sources:
        filters.append((_SOURCE_FILTER.format(_marks(sources)), list(sources)))
    return filters


# A story qualifies through any of its visible copies, as tag feeds choose theirs.
_TAG_FILTER = (
    "and exists (select 1 from articles m, json_each(m.tags) t "
    "where m.story_id = s.id and m.hidden = 0 and t.value in ({})) "
)
_SOURCE_FILTER = (
    "and exists (select 1 from articles m join entries e on e.article_id = m.id "
    "where m.story_id = s.id and m.hidden = 0 and e.source_id in ({})) "
)


_SEEN_BY_FILTER = (
    "and exists (select 1 from articles m where m.story_id = s.id and m.first_seen <= ?) "
)


def _marks(values: Sequence[str]) -> str:
    return ",".join("?" * len(values))


def _fields(issue: Issue) -> dict[str, Any]:
    return {name: getattr(issue, name) for name in Issue.__dataclass_fields__}


def _issue_row(issue: Issue) -> dict[str, Any]:
    row = _fields(issue)
    row["first_day"] = issue.first_day.isoformat()
    for name in ("start", "end", "built_at", "changed_at", "dispatched_at"):
        row[name] = to_text(row[name])
    return row


def _issue(row: Mapping[str, Any]) -> Issue:
    times = {
        name: to_datetime(row[name])
        for name in ("start", "end", "built_at", "changed_at", "dispatched_at")
    }
    return Issue(**{**row, **times, "first_day": date.fromisoformat(row["first_day"])})


def _delivery(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        digest_id=row["digest_id"],
        first_day=date.fromisoformat(row["first_day"]),
        recipient=row["recipient"],
        status=row["status"],
        attempts=row["attempts"] or 0,
        planned_at=to_datetime(row["planned_at"]),
        last_error=row["last_error"],
    )
