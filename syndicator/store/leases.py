"""Leases: which process works on a source right now, so two never do it at once.

A lease is a row naming its owner (host, pid and a random part) and when it expires.
Taking one is a single UPSERT that succeeds only when the row is free, expired or
already ours, so two processes racing for it cannot both win, and the lease of a killed
process is taken over once it has expired. The owner renews its leases while it works
and deletes them when done. Every change is committed at once, even inside a grouped
pass, because other processes must see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .reading import Reading
from .rows import to_datetime, to_text


@dataclass(frozen=True, slots=True)
class Lease:
    """Who holds a name (e.g. `source:dod-news`) and until when."""

    name: str
    owner: str
    acquired_at: datetime
    expires_at: datetime


class Leasing(Reading):
    """Taking, renewing and releasing leases; `Store` mixes it in."""

    _group_size: int
    _uncommitted: int

    if TYPE_CHECKING:

        def _writing(self) -> AbstractContextManager[None]: ...

    def acquire_lease(self, name: str, owner: str, now: datetime, ttl: timedelta) -> Lease | None:
        """Take `name` for `owner` until now + ttl; None when another owner holds it."""
        with self._writing():
            cursor = self.db.execute(
                "insert into leases (name, owner, acquired_at, expires_at) values (?, ?, ?, ?) "
                "on conflict (name) do update set owner = excluded.owner, "
                "acquired_at = excluded.acquired_at, expires_at = excluded.expires_at "
                "where leases.expires_at <= excluded.acquired_at or leases.owner = excluded.owner",
                [name, owner, to_text(now), to_text(now + ttl)],
            )
        self.commit_pending()
        if cursor.rowcount != 1:
            return None
        return Lease(name, owner, now, now + ttl)

    def renew_leases(
        self, names: Sequence[str], owner: str, now: datetime, ttl: timedelta
    ) -> list[str]:
        """Extend our leases; returns the names that are no longer ours (taken over)."""
        lost = []
        with self._writing():
            for name in names:
                cursor = self.db.execute(
                    "update leases set expires_at = ? where name = ? and owner = ?",
                    [to_text(now + ttl), name, owner],
                )
                if cursor.rowcount != 1:
                    lost.append(name)
        self.commit_pending()
        return lost

    def release_leases(self, names: Iterable[str], owner: str) -> None:
        """Give up our leases (someone else's are left alone)."""
        with self._writing():
            for name in names:
                self.db.execute("delete from leases where name = ? and owner = ?", [name, owner])
        self.commit_pending()

    def leases(self, now: datetime) -> dict[str, Lease]:
        """Leases that have not expired, by name."""
        rows = self.db.query(
            "select * from leases where expires_at > ? order by name", [to_text(now)]
        )
        found = {}
        for row in rows:
            acquired, expires = to_datetime(row["acquired_at"]), to_datetime(row["expires_at"])
            assert acquired is not None and expires is not None
            found[row["name"]] = Lease(row["name"], row["owner"], acquired, expires)
        return found

    def commit_pending(self) -> None:
        """Inside `grouped()`, commit what is written so far, so other processes see it.

        Safe at any moment between two writes: each write is atomic on its own, the
        group only saves commits. It also hands the write lock back, so a worker and a
        cron run on one database wait at most until the next commit for each other.
        """
        if self._group_size and self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
            self.db.conn.execute("BEGIN")
            self._uncommitted = 0
