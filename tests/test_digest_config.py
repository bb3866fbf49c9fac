"""The `digests:` list in sources.yaml, and the `digest:` section it works with."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from syndicator.config import load_config
from syndicator.errors import ConfigError
from syndicator.models import Config, DigestSpec

SOURCES = """\
site:
  title: Defense Wire
sources:
  - id: dod-news
    name: DoD News
    url: https://www.war.gov/rss
    tags: [dod, official]
  - id: trade
    name: Trade
    url: https://trade.example.com/feed
    tags: [industry]
"""


def load(text: str, tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(text, tmp_path)
    return [
        str(problem).removeprefix(f"{tmp_path / 'sources.yaml'}:")
        for problem in caught.value.problems
    ]


def test_without_a_digests_key_there_is_a_daily_and_a_weekly_digest_of_everything(
    tmp_path: Path,
) -> None:
    """The default: `daily` and `weekly`, in UTC, due at 06:00, unfiltered, to digest.email.to."""
    config = load(SOURCES, tmp_path)
    assert config.digests == (
        DigestSpec("daily", "Defense Wire — daily digest"),
        DigestSpec("weekly", "Defense Wire — weekly digest", period="weekly"),
    )
    assert config.digests[0].at == time(6, 0) and config.digests[0].recipients is None


def test_every_key_of_a_digest_is_read(tmp_path: Path) -> None:
    """id, title, period, at, timezone, tags, sources and recipients, as in the README."""
    config = load(
        SOURCES
        + """\
digests:
  - id: daily
    title: Defense Daily Brief
    period: daily
    at: "06:30"
    timezone: America/New_York
    tags: [dod, official]
    sources: [dod-news]
    recipients: [analyst@example.org]
  - id: weekly
    period: weekly
    recipients: []
""",
        tmp_path,
    )
    daily, weekly = config.digests
    assert daily == DigestSpec(
        "daily",
        "Defense Daily Brief",
        "daily",
        time(6, 30),
        "America/New_York",
        ("dod", "official"),
        ("dod-news",),
        ("analyst@example.org",),
    )
    assert weekly.title == "Defense Wire — weekly digest" and weekly.recipients == ()


def test_an_empty_list_turns_digests_off(tmp_path: Path) -> None:
    """`digests: []` is no digest at all (not the defaults)."""
    assert load(SOURCES + "digests: []\n", tmp_path).digests == ()


def test_mistakes_are_reported_with_file_line_and_key(tmp_path: Path) -> None:
    """Time zones, times, periods, filters naming nothing, duplicate ids: each located."""
    found = problems(
        SOURCES
        + """\
digests:
  - id: one
    timezone: Mars/Olympus_Mons
    at: 6:30
  - id: two
    period: monthly
    at: "25:00"
    tags: [offical]
    sources: [nope]
  - id: one
    recipients: [not-an-address]
""",
        tmp_path,
    )
    assert found == [
        "14: digests[one].timezone: unknown time zone 'Mars/Olympus_Mons' (expected e.g. America/New_York)",
        '15: digests[one].at: expected a time like "06:30" in quotes (unquoted, YAML reads a number: 390)',
        "17: digests[two].period: expected one of daily, weekly, got 'monthly'",
        "18: digests[two].at: expected a time like \"06:00\" (24-hour HH:MM), got '25:00'",
        "19: digests[two].tags: no tag 'offical' (did you mean 'official'?)",
        "20: digests[two].sources: no source 'nope'",
        "22: digests[one].recipients: expected an e-mail address, got 'not-an-address'",
        "21: digests[one].id: duplicate id (first used on line 13)",
    ]


def test_digest_email_keeps_its_keys_and_gains_unsubscribe_ones(tmp_path: Path) -> None:
    """The existing `digest:` section keeps working; List-Unsubscribe targets are optional."""
    config = load(
        SOURCES
        + """\
digest:
  group_by: source
  max_articles: 50
  email:
    smtp_host: smtp.example.org
    from: digests@example.org
    to: [editors@example.org]
    unsubscribe: leave@example.org
    unsubscribe_url: https://example.org/unsubscribe?who={recipient}
""",
        tmp_path,
    )
    assert config.digest.group_by == "source" and config.digest.max_articles == 50
    email = config.digest.email
    assert (email.smtp_host, email.sender, email.to) == (
        "smtp.example.org",
        "digests@example.org",
        ("editors@example.org",),
    )
    assert email.unsubscribe == "leave@example.org"
    assert email.unsubscribe_url == "https://example.org/unsubscribe?who={recipient}"
