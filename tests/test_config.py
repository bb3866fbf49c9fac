"""Loading and validating sources.yaml."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from syndicator.config import load_config, parse_config
from syndicator.config_types import Invalid, parse_duration, parse_size
from syndicator.errors import ConfigError
from syndicator.models import Config, DigestSpec

MINIMAL = """
site:
  title: Test feeds
  base_url: https://feeds.example.org
sources:
  - id: dod-news
    name: DoD News
    url: https://www.war.gov/rss
"""


def load(text: str, tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(text, tmp_path)
    return [str(problem) for problem in caught.value.problems]


def test_minimal_file_gets_documented_defaults(tmp_path: Path) -> None:
    """Keys the file leaves out take their documented defaults; paths resolve next to the file."""
    config = load(MINIMAL, tmp_path)
    assert config.site.base_url == "https://feeds.example.org/"
    assert config.database == tmp_path / "db" / "syndicator.db"
    assert config.output_dir == tmp_path / "public"
    assert config.fetch.per_host_concurrency == 2
    assert config.fetch.user_agent.startswith("syndicator/")
    assert "https://feeds.example.org/" in config.fetch.user_agent
    source = config.sources[0]
    assert (source.kind, source.full_text, source.enabled) == ("feed", True, True)
    assert source.interval == timedelta(minutes=30)


def test_every_problem_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    """One message lists all problems, each located by file, line and dotted key."""
    text = """\
site:
  base_url: ftp://nope
fetch:
  timeout: soon
  concurency: 4
sources:
  - id: dod-news
    name: DoD
    url: https://www.war.gov/rss
    tags: [dod, Official]
  - id: dod-news
    name: Again
    url: https://example.org/
  - id: index
    name: Index
    url: https://example.org/
    kind: html
"""
    found = problems(text, tmp_path)
    file = str(tmp_path / "sources.yaml")
    assert f"{file}:2: site.base_url: expected an absolute http(s) URL, got 'ftp://nope'" in found
    assert any(p.startswith(f"{file}:4: fetch.timeout: expected a duration") for p in found)
    assert f"{file}:5: fetch.concurency: unknown key (did you mean 'concurrency'?)" in found
    assert any(p.startswith(f"{file}:10: sources[dod-news].tags") for p in found)
    assert f"{file}:11: sources[dod-news].id: duplicate id (first used on line 7)" in found
    assert f"{file}:14: sources[index].link_selector: required when kind is html" in found
    assert len(found) == 6


def test_missing_required_keys_and_wrong_types(tmp_path: Path) -> None:
    """Missing required keys and values of the wrong type are problems, not crashes."""
    found = problems("sources:\n  - name: No id\n    enabled: maybe\n", tmp_path)
    assert any("sources[0].id: required key is missing" in p for p in found)
    assert any("sources[0].url: required key is missing" in p for p in found)
    assert any("sources[0].enabled: expected true or false" in p for p in found)


def test_invalid_css_selector_is_rejected(tmp_path: Path) -> None:
    """A selector cssselect cannot compile is caught when the file is loaded."""
    text = MINIMAL + '    content_selector: "div[["\n'
    assert any("content_selector: invalid CSS selector" in p for p in problems(text, tmp_path))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """Broken YAML gives one problem with its line, not a traceback."""
    found = problems("sources:\n  - id: [unclosed\n", tmp_path)
    assert len(found) == 1 and "not valid YAML" in found[0] and ":3:" in found[0]


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is a configuration error naming the file."""
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.yaml")


def test_allow_hosts_accepts_names_addresses_and_networks() -> None:
    """allow_hosts entries are normalised: names lower-cased, addresses as networks."""
    text = MINIMAL + "fetch:\n  allow_hosts: [Feeds.Local, 127.0.0.1, 10.0.0.0/8]\n"
    config = parse_config(text, Path("/srv/sources.yaml"))
    assert config.fetch.allow_hosts == ("feeds.local", "127.0.0.1/32", "10.0.0.0/8")
    assert config.database == Path("/srv/db/syndicator.db")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        (90, 90),
        ("30s", 30),
        ("15m", 900),
        ("1h30m", 5400),
        ("2d", 172800),
        ("250ms", 0.25),
        ("0s", 0),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    """Durations accept bare seconds and unit suffixes, combined."""
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["soon", "-5s", "1x", "", True])
def test_bad_durations(text: object) -> None:
    """Anything else is refused with a message."""
    with pytest.raises(Invalid):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "size"),
    [("10MB", 10_000_000), ("10MiB", 10 * 1024**2), (4096, 4096), ("512kb", 512_000)],
)
def test_sizes(text: object, size: int) -> None:
    """Sizes are decimal (MB) or binary (MiB) units, or a number of bytes."""
    assert parse_size(text) == size


def test_repository_sources_file_is_valid() -> None:
    """The default sources.yaml shipped with the project loads cleanly."""
    config = load_config(Path(__file__).parent.parent / "sources.yaml")
    ids = [source.id for source in config.sources]
    assert "dod-news" in ids and len(ids) == len(set(ids))
    assert config.fetch.allow_hosts == ()
    commercial = [s for s in config.sources if "trade" in s.tags]
    assert commercial and all(s.publish == "summary" for s in commercial)


# --- digests ---------------------------------------------------------------------------

DIGEST_SOURCES = """\
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


def located_problems(text: str, tmp_path: Path) -> list[str]:
    """Problems as `line: key: message`, the file's name left out."""
    prefix = f"{tmp_path / 'sources.yaml'}:"
    return [problem.removeprefix(prefix) for problem in problems(text, tmp_path)]


def test_without_a_digests_key_there_is_a_daily_and_a_weekly_digest_of_everything(
    tmp_path: Path,
) -> None:
    """The default: `daily` and `weekly`, in UTC, due at 06:00, unfiltered, to digest.email.to."""
    config = load(DIGEST_SOURCES, tmp_path)
    assert config.digests == (
        DigestSpec("daily", "Defense Wire — daily digest"),
        DigestSpec("weekly", "Defense Wire — weekly digest", period="weekly"),
    )
    assert config.digests[0].at == time(6, 0) and config.digests[0].recipients is None


def test_every_key_of_a_digest_is_read(tmp_path: Path) -> None:
    """id, title, period, at, timezone, tags, sources, recipients and feed, as in the README."""
    config = load(
        DIGEST_SOURCES
        + """\
feeds:
  - id: korea
    title: Korean Peninsula
    query: '"South Korea" OR ROK'
digests:
  - id: daily
    title: Defense Daily Brief
    period: daily
    at: "06:30"
    timezone: America/New_York
    tags: [dod, official]
    sources: [dod-news]
    recipients: [analyst@example.org]
    feed: korea
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
        "korea",
    )
    assert weekly.title == "Defense Wire — weekly digest" and weekly.recipients == ()


def test_an_empty_digests_list_turns_digests_off(tmp_path: Path) -> None:
    """`digests: []` is no digest at all (not the defaults)."""
    assert load(DIGEST_SOURCES + "digests: []\n", tmp_path).digests == ()


def test_digest_mistakes_are_reported_with_file_line_and_key(tmp_path: Path) -> None:
    """Time zones, times, periods, filters naming nothing, duplicate ids: each located."""
    found = located_problems(
        DIGEST_SOURCES
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
    feed: korea
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
        "21: digests[two].feed: no topic feed 'korea'",
        "23: digests[one].recipients: expected an e-mail address, got 'not-an-address'",
        "22: digests[one].id: duplicate id (first used on line 13)",
    ]


def test_digest_email_keeps_its_keys_and_gains_unsubscribe_ones(tmp_path: Path) -> None:
    """The existing `digest:` section keeps working; List-Unsubscribe targets are optional."""
    config = load(
        DIGEST_SOURCES
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
