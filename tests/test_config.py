"""Loading and validating sources.yaml."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from syndicator.config import load_config, parse_config
from syndicator.config_types import Invalid, parse_duration, parse_size
from syndicator.errors import ConfigError
from syndicator.models import Config

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
