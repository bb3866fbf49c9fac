"""Days and weeks on a digest's own clock, across daylight saving changes, and when each is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from syndicator.digest import due_at, due_periods, is_over, last_complete, period_of
from syndicator.digest.periods import containing
from syndicator.models import DigestSpec

NY = "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "hours", "start"),
    [
        (date(2026, 3, 7), 24, utc(2026, 3, 7, 5)),  # EST
        (date(2026, 3, 8), 23, utc(2026, 3, 8, 5)),  # clocks go forward at 02:00
        (date(2026, 3, 9), 24, utc(2026, 3, 9, 4)),  # EDT
        (date(2026, 11, 1), 25, utc(2026, 11, 1, 4)),  # clocks go back at 02:00
    ],
)
def test_a_day_runs_from_local_midnight_to_local_midnight(
    day: date, hours: int, start: datetime
) -> None:
    """A New York day is 23 or 25 hours long around a clock change, in UTC terms."""
    period = period_of("daily", day, NY)
    assert period.start == start
    assert period.end - period.start == timedelta(hours=hours)
    assert (period.first_day, period.last_day) == (day, day)


def test_consecutive_periods_neither_overlap_nor_leave_a_gap() -> None:
    """Each period ends where the next begins, through both clock changes of a year."""
    for zone in (NY, "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "UTC"):
        for kind in ("daily", "weekly"):
            period = period_of(kind, date(2026, 1, 1), zone)  # type: ignore[arg-type]
            for _ in range(60 if kind == "weekly" else 400):
                following = period_of(period.kind, period.last_day + timedelta(days=1), zone)
                assert following.start == period.end, (zone, period)
                assert period.end > period.start
                period = following


def test_a_week_starts_on_monday_local_time() -> None:
    """A weekly period is Monday 00:00 to the next Monday 00:00 on the digest's clock."""
    period = period_of("weekly", date(2026, 3, 12), NY)  # a Thursday
    assert (period.first_day, period.last_day) == (date(2026, 3, 9), date(2026, 3, 15))
    assert period.start == utc(2026, 3, 9, 4)
    assert period.end == utc(2026, 3, 16, 4)


def test_an_instant_belongs_to_its_local_day() -> None:
    """23:30 in New York is still the same local day, though UTC has moved on."""
    late = utc(2026, 3, 9, 3, 30)  # 23:30 EDT on 8 March
    assert containing("daily", late, NY).first_day == date(2026, 3, 8)
    assert containing("daily", late, "UTC").first_day == date(2026, 3, 9)


def test_last_complete_period_is_the_one_that_has_ended() -> None:
    """Yesterday (local) for a daily digest; last Monday-to-Sunday for a weekly one."""
    now = utc(2026, 3, 11, 3)  # 23:00 EDT Tuesday 10 March
    assert last_complete("daily", now, NY).first_day == date(2026, 3, 9)
    assert last_complete("daily", now, "UTC").first_day == date(2026, 3, 10)
    assert last_complete("weekly", now, NY).first_day == date(2026, 3, 2)
    assert is_over(last_complete("daily", now, NY), now)
    assert not is_over(period_of("daily", date(2026, 3, 10), NY), now)


def test_a_digest_is_due_at_its_time_on_the_day_after_its_period() -> None:
    """`at` is local time on the first day after the period (a Monday for a week)."""
    daily = DigestSpec("d", "D", at=time(6, 30), timezone=NY)
    weekly = DigestSpec("w", "W", period="weekly", at=time(7, 0), timezone=NY)
    assert due_at(daily, period_of("daily", date(2026, 3, 6), NY)) == utc(2026, 3, 7, 11, 30)
    assert due_at(daily, period_of("daily", date(2026, 3, 7), NY)) == utc(2026, 3, 8, 10, 30)
    assert due_at(weekly, period_of("weekly", date(2026, 3, 4), NY)) == utc(2026, 3, 9, 11)


def test_due_periods_wait_for_the_time_and_look_back_a_week() -> None:
    """Before `at` yesterday is not due yet; after it, it is, with the week before it."""
    spec = DigestSpec("d", "D", at=time(6, 0), timezone=NY)
    before = due_periods(spec, utc(2026, 4, 10, 9, 59))  # 05:59 EDT
    after = due_periods(spec, utc(2026, 4, 10, 10, 0))  # 06:00 EDT
    assert before[0].first_day == date(2026, 4, 8)
    assert after[0].first_day == date(2026, 4, 9)
    assert [p.first_day for p in after] == [date(2026, 4, 9) - timedelta(days=n) for n in range(7)]
    weekly = DigestSpec("w", "W", period="weekly", timezone="UTC")
    assert [p.first_day for p in due_periods(weekly, utc(2026, 3, 16, 6))] == [date(2026, 3, 9)]


def test_a_skipped_local_time_resolves_the_same_way_every_time() -> None:
    """02:30 does not exist in New York on 8 March 2026; it is taken as 03:30 EDT."""
    spec = DigestSpec("d", "D", at=time(2, 30), timezone=NY)
    assert due_at(spec, period_of("daily", date(2026, 3, 7), NY)) == utc(2026, 3, 8, 7, 30)
