"""HTTP bookkeeping in the store: validators per URL, robots.txt per origin, and the
hosts that asked us (Retry-After) to stay away, so a cron run knows what the last
one learned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from ..models import RobotsRecord, Validators
from .reading import Reading
from .rows import to_datetime, to_text


class HttpBookkeeping(Reading):
    """The fetcher's memory; `Store` mixes it in and supplies the transactions."""

    def _writing(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # Store's: a transaction that turns errors into StoreError

    def _put(self, table: str, row: Mapping[str, Any], *, key: tuple[str, ...] = ()) -> None:
        raise NotImplementedError  # Store's: insert, or upsert on `key`

    def validators(self, url: str) -> Validators:
        row = self._get("http_cache", url=url)
        return Validators(row["etag"], row["last_modified"]) if row else Validators()

    def get(self, origin: str) -> RobotsRecord | None:
        """RobotsCache protocol: the robots.txt last fetched for an origin."""
        row = self._get("robots", origin=origin)
        if row is None:
            return None
        fetched_at = to_datetime(row["fetched_at"])
        assert fetched_at is not None
        validators = Validators(row["etag"], row["last_modified"])
        return RobotsRecord(origin, row["body"], fetched_at, validators)

    def put(self, record: RobotsRecord) -> None:
        """RobotsCache protocol: remember a robots.txt."""
        row = {
            "origin": record.origin,
            "body": record.body,
            "fetched_at": to_text(record.fetched_at),
            "etag": record.validators.etag,
            "last_modified": record.validators.last_modified,
        }
        with self._writing():
            self._put("robots", row, key=("origin",))

    def host_blocks(self, now: datetime) -> dict[str, datetime]:
        """Hosts that asked us (Retry-After) to stay away until a time still ahead."""
        rows = self.db.query("select host, until from host_blocks where until > ?", [to_text(now)])
        return {row["host"]: until for row in rows if (until := to_datetime(row["until"]))}

    def save_host_blocks(self, blocks: Mapping[str, datetime]) -> None:
        with self._writing():
            for host, until in blocks.items():
                self._put("host_blocks", {"host": host, "until": to_text(until)}, key=("host",))

    def save_validators(self, validators: Iterable[tuple[str, Validators]], now: datetime) -> None:
        """Remember validators on their own (a page answered 304)."""
        with self._writing():
            self._save_validators(validators, now)

    def _save_validators(self, validators: Iterable[tuple[str, Validators]], now: datetime) -> None:
        for url, v in validators:
            if v:
                row = {
                    "url": url,
                    "etag": v.etag,
                    "last_modified": v.last_modified,
                    "updated_at": to_text(now),
                }
                self._put("http_cache", row, key=("url",))
