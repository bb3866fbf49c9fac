"""Days and weeks in a digest's own time zone, and when each period's digest is due.

A day runs from local midnight to local midnight and a week from Monday's; both are
converted to UTC instants for the store, so a 23- or 25-hour day around a daylight
saving change is still exactly one day and consecutive periods never overlap or leave a
gap. A local time that does not exist (a midnight or an `at` skipped by a clock
change) resolves the way `zoneinfo` resolves it, the same way every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..models import Config, DigestPeriod, DigestSpec

# How far back `due_periods` looks: after an outage, missed digests of the last week
# are still produced (and mailed); older ones are not.
CATCH_UP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Period:
    """One day or one week in a time zone: local first day, UTC [start, end)."""

    kind: DigestPeriod
    first_day: date
    zone: str
    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6 if self.kind == "weekly" else 0)

    def local(self, moment: datetime) -> datetime:
        """`moment` on this period's clock."""
        return moment.astimezone(ZoneInfo(self.zone))


def local_midnight(day: date, zone: str) -> datetime:
    """The UTC instant a local day begins."""
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def period_of(kind: DigestPeriod, day: date, zone: str) -> Period:
    """The day, or the Monday-to-Sunday week, that holds the local date `day`."""
    first = day - timedelta(days=day.weekday()) if kind == "weekly" else day
    after = first + timedelta(days=7 if kind == "weekly" else 1)
    return Period(kind, first, zone, local_midnight(first, zone), local_midnight(after, zone))


def previous(period: Period) -> Period:
    return period_of(period.kind, period.first_day - timedelta(days=1), period.zone)


def containing(kind: DigestPeriod, moment: datetime, zone: str) -> Period:
    """The period an instant falls in, on the local calendar."""
    return period_of(kind, moment.astimezone(ZoneInfo(zone)).date(), zone)


def last_complete(kind: DigestPeriod, now: datetime, zone: str) -> Period:
    """The most recent period that has fully ended by `now`."""
    return previous(containing(kind, now, zone))


def due_at(spec: DigestSpec, period: Period) -> datetime:
    """When `spec`'s digest of `period` is due: at `spec.at` on the first local day after it."""
    day_after = period.last_day + timedelta(days=1)
    return datetime.combine(day_after, spec.at, ZoneInfo(spec.timezone)).astimezone(UTC)


def due_periods(spec: DigestSpec, now: datetime) -> list[Period]:
    """The periods whose digest is due by `now`, newest first, back as far as CATCH_UP."""
    period = last_complete(spec.period, now, spec.timezone)
    if due_at(spec, period) > now:
        period = previous(period)  # over, but its `at` has not come yet
    found = []
    while due_at(spec, period) > now - CATCH_UP:
        found.append(period)
        period = previous(period)
    return found


def is_over(period: Period, now: datetime) -> bool:
    return period.end <= now


def digests_may_show_since(config: Config, now: datetime) -> datetime:
    """The earliest moment a digest may still be issued (or caught up) for: the start of
    each digest's previous period, less the catch-up window. Pruning keeps what is newer."""
    starts = [previous(containing(s.period, now, s.timezone)).start for s in config.digests]
    return min([now, *starts]) - CATCH_UP
