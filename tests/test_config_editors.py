"""What editors add to sources.yaml: per-source tests, topic feeds, and stricter checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_config import load

from syndicator.errors import ConfigError
from syndicator.models import SourceTest, TopicFeed

HEAD = """\
site:
  base_url: https://feeds.example.org/
sources:
  - id: dod-news
    name: DoD News
    url: https://www.war.gov/rss
"""


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(text, tmp_path)
    prefix = str(tmp_path / "sources.yaml") + ":"  # problems of one file: lines suffice
    return [str(problem).removeprefix(prefix) for problem in caught.value.problems]


def test_source_tests_and_topic_feeds_load_as_values(tmp_path: Path) -> None:
    """`tests:` of a source and the top-level `feeds:` become typed values."""
    text = (
        HEAD
        + """\
    tests:
      - url: https://www.war.gov/News/Article/1/
        contains: [deterrence]
        not_contains: ["- Advertisement -", Share]
feeds:
  - id: korea
    title: Korean Peninsula
    query: '"South Korea" OR ROK OR Pyongyang'
    tags: [official]
"""
    )
    config = load(text, tmp_path)
    assert config.sources[0].tests == (
        SourceTest(
            "https://www.war.gov/News/Article/1/",
            ("deterrence",),
            ("- Advertisement -", "Share"),
        ),
    )
    assert config.feeds == (
        TopicFeed("korea", "Korean Peninsula", '"South Korea" OR ROK OR Pyongyang', ("official",)),
    )
    assert config.feed("korea").title == "Korean Peninsula"


def test_problems_in_tests_and_feeds_name_their_line_and_key(tmp_path: Path) -> None:
    """A bad test entry, an invalid FTS5 query and a duplicate feed id are each located."""
    text = (
        HEAD
        + """\
    tests:
      - url: not a url
        contain: [x]
feeds:
  - id: korea
    title: Korea
    query: 'U.S. OR (Korea'
  - id: korea
    title: Again
    query: frigate
    tag: [x]
"""
    )
    found = problems(text, tmp_path)
    assert (
        "8: sources[dod-news].tests[0].url: expected an absolute http(s) URL, got 'not a url'"
        in found
    )
    assert "9: sources[dod-news].tests[0].contain: unknown key (did you mean 'contains'?)" in found
    assert any(
        p.startswith("13: feeds[korea].query: not a valid FTS5 query (fts5: syntax error")
        for p in found
    )
    assert "14: feeds[korea].id: duplicate id (first used on line 11)" in found
    assert "17: feeds[korea].tag: unknown key (did you mean 'tags'?)" in found
    assert len(found) == 5


def test_a_query_on_an_unknown_column_is_refused(tmp_path: Path) -> None:
    """Column filters are checked against the real index's columns."""
    text = HEAD + "feeds:\n  - id: t\n    title: T\n    query: 'body:frigate'\n"
    assert problems(text, tmp_path) == [
        "10: feeds[t].query: not a valid FTS5 query (no such column: body): 'body:frigate'"
    ]


def test_duplicate_source_urls_are_refused_by_url_identity(tmp_path: Path) -> None:
    """Two feed sources on one URL (up to case, default port and tracking) are one mistake."""
    text = (
        HEAD
        + """\
  - id: again
    name: Again
    url: HTTPS://WWW.WAR.GOV:443/rss?utm_source=x
"""
    )
    assert problems(text, tmp_path) == [
        "7: sources[again].url: duplicate url (first used on line 4)"
    ]


def test_one_index_page_may_serve_two_link_selectors(tmp_path: Path) -> None:
    """Sections of one index page picked by different selectors are two sources."""
    text = (
        HEAD.replace(
            "url: https://www.war.gov/rss",
            "url: https://x.example/\n    kind: html\n    link_selector: h3 a",
        )
        + """\
  - id: releases
    name: Releases
    url: https://x.example/
    kind: html
    link_selector: h4 a
"""
    )
    assert [source.id for source in load(text, tmp_path).sources] == ["dod-news", "releases"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "url: http://war gov/rss",
            "expected an absolute http(s) URL, got 'http://war gov/rss' (bad host 'war gov')",
        ),
        (
            "url: http://www.war.gov:99999/rss",
            "expected an absolute http(s) URL, got 'http://www.war.gov:99999/rss' (bad port)",
        ),
        ("url: www.war.gov/rss", "expected an absolute http(s) URL, got 'www.war.gov/rss'"),
        ("interval: 30 minutes", "expected a duration like 30s, 15m or 2h, got '30 minutes'"),
        ("interval: 10s", "must be at least 1m"),
        ("interval: -5m", "expected a duration like 30s, 15m or 2h, got '-5m'"),
        ("remove_selectors: ['div..share']", "invalid CSS selector 'div..share'"),
    ],
)
def test_bad_values_are_explained(tmp_path: Path, line: str, message: str) -> None:
    """Invalid URLs, intervals and selectors each get a message that says what was expected."""
    key = line.split(":")[0]
    text = HEAD.replace("    url: https://www.war.gov/rss\n", "") + f"    {line}\n"
    if key != "url":
        text += "    url: https://www.war.gov/rss\n"
    found = problems(text, tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"6: sources[dod-news].{key}: {message}"), found


def test_link_selectors_are_checked_by_the_parser_that_uses_them(tmp_path: Path) -> None:
    """Index pages are read with soupsieve: `:has()` is fine there, a dangling combinator is not."""
    page = HEAD.replace("url: https://www.war.gov/rss", "url: https://x.example/\n    kind: html")
    assert load(page + "    link_selector: 'li:has(> h3) a'\n", tmp_path).sources[0].link_selector
    found = problems(page + "    link_selector: 'h3 >> a'\n", tmp_path)
    assert len(found) == 1
    assert found[0].startswith("8: sources[dod-news].link_selector: invalid CSS selector 'h3 >> a'")
