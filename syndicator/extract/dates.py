"""Read the dates pages write: ISO 8601, RFC 822, and the prose forms of bylines.

Written by hand rather than with dateutil/htmldate: we only need the handful of forms
news pages use, every result must be timezone-aware UTC, and it runs on every page.
A date without a zone is taken as UTC; a named US zone (ET, PT…) is honoured.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janvier", "januar", "enero", "gennaio"),
            ("feb", "february", "février", "fevrier", "februar", "febrero", "febbraio"),
            ("mar", "march", "mars", "märz", "marzo"),
            ("apr", "april", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio"),
            ("jun", "june", "juin", "juni", "junio", "giugno"),
            ("jul", "july", "juillet", "juli", "julio", "luglio"),
            ("aug", "august", "août", "aout", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre", "settembre"),
            ("oct", "october", "octobre", "oktober", "octubre", "ottobre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "décembre", "decembre", "dezember", "diciembre", "dicembre"),
        ),
        start=1,
    )
    for name in names
}
# Zone abbreviations that appear in US bylines, as hours from UTC.
ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "et": -5, "est": -5, "edt": -4, "ct": -6, "cst": -6,
    "cdt": -5, "mt": -7, "mst": -7, "mdt": -6, "pt": -8, "pst": -8, "pdt": -7,
    "bst": 1, "cet": 1, "cest": 2,
}  # fmt: skip

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d))?",
    re.IGNORECASE,
)
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = (
    r"(?:,?\s*(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?"
    r"|,?\s*(?:at\s+)?(\d{1,2}):(\d{2}))?"
)
_ZONE = r"(?:\s*\(?\b(" + "|".join(ZONES) + r")\b\)?)?"
_MONTH_FIRST = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}{_ZONE}",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?({_MONTH_NAMES})\.?,?\s+(?:de\s+)?(\d{{4}})"
    rf"{_TIME}{_ZONE}",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"\b(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(text: str | None, *, now: datetime | None = None) -> datetime | None:
    """The first date in `text` as aware UTC, or None; dates after `now` are refused."""
    if not text:
        return None
    text = text.strip()[:300]
    found = _parse_iso(text) or _parse_rfc822(text) or _parse_prose(text)
    if found is None or found < EARLIEST:
        return None
    if now is not None and found > now + timedelta(days=1):
        return None
    return found


def _aware(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
           zone: timezone = UTC) -> datetime | None:  # fmt: skip
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


def _parse_iso(text: str) -> datetime | None:
    match = _ISO.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    offset = UTC
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return _aware(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
        offset,
    )  # fmt: skip


def _parse_rfc822(text: str) -> datetime | None:
    if not re.match(r"^(?:\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}\s+\d", text):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _clock(hour: str | None, minute: str | None, meridiem: str | None) -> tuple[int, int]:
    h, m = int(hour or 0), int(minute or 0)
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "p" else 0)
    return h, m


def _zone(name: str | None) -> timezone:
    return timezone(timedelta(hours=ZONES[name.lower()])) if name else UTC


def _parse_prose(text: str) -> datetime | None:
    match = _MONTH_FIRST.search(text)
    if match:
        month, day, year, h12, m12, ampm, h24, m24, zone = match.groups()
        hour, minute = _clock(h12 or h24, m12 or m24, ampm)
        return _aware(int(year), MONTHS[month.lower()], int(day), hour, minute, 0, _zone(zone))
    match = _DAY_FIRST.search(text)
    if match:
        day, month, year, h12, m12, ampm, h24, m24, zone = match.groups()
        hour, minute = _clock(h12 or h24, m12 or m24, ampm)
        return _aware(int(year), MONTHS[month.lower()], int(day), hour, minute, 0, _zone(zone))
    match = _NUMERIC.search(text)
    if match:
        y, mo, d, us_month, us_day, us_year = match.groups()
        if y:
            return _aware(int(y), int(mo), int(d))
        return _aware(int(us_year), int(us_month), int(us_day))
    return None
