"""`syndicator sources …` against the loopback sample site: check, list, add, preview, test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from editors_site import (
    cli,
    copy_of,
    running_site,  # noqa: F401 (the `site` fixture)
    write_sources,
)

from syndicator.config import load_config
from syndicator.demo import EXPECTED, SampleSite
from syndicator.source_tests import saved_page_path

pytestmark = pytest.mark.e2e
ARMY = "  # An Atom feed from another official publisher."
REPUBLISHER = "  # A WordPress news site that republishes"


@pytest.fixture(scope="module")
def stored(site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sources file (the army source left out, to be added) after one stored pass."""
    config = write_sources(site, tmp_path_factory.mktemp("sources"), drop=(ARMY,))
    assert cli(config, "run", "--workers", "0").exit_code == 0
    return config


def test_check_lists_every_problem_with_line_and_key(tmp_path: Path) -> None:
    """Unknown keys, duplicates, bad URLs, selectors, intervals and queries, all at once."""
    config = tmp_path / "sources.yaml"
    config.write_text(
        """\
sources:
  - id: dod
    name: DoD
    url: https://www.war.gov/rss
    intervall: 30m
  - id: dod
    name: Again
    url: https://www.war.gov:99999/rss
    remove_selectors: ["div..share"]
    interval: 30 minutes
feeds:
  - id: korea
    title: Korea
    query: 'U.S. OR Korea'
""",
        encoding="utf-8",
    )
    for command in (("sources", "check"), ("check",)):
        result = cli(config, *command)
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert lines[0] == "error: 6 problems in configuration:"
        found = "\n".join(lines)
        assert (
            "sources.yaml:5: sources[dod].intervall: unknown key (did you mean 'interval'?)"
            in found
        )
        assert "sources.yaml:6: sources[dod].id: duplicate id (first used on line 2)" in found
        assert "sources.yaml:8: sources[dod].url: expected an absolute http(s) URL" in found
        assert (
            "sources.yaml:9: sources[dod].remove_selectors: invalid CSS selector 'div..share'"
            in found
        )
        assert "sources.yaml:10: sources[dod].interval: expected a duration like 30s" in found
        assert "sources.yaml:14: feeds[korea].query: not a valid FTS5 query" in found


def test_check_fetch_tries_each_source_live(site: SampleSite, stored: Path) -> None:
    """`--fetch` says what each source lists, and names the error of one that fails."""
    result = cli(stored, "sources", "check", "--fetch")
    assert result.exit_code == 0, result.output
    assert "dod-news             ok      3 entries, newest: " in result.stdout
    assert "republisher          ok      2 entries" in result.stdout
    site.fail("tradepress", "/feed.json", 500)
    try:
        failed = cli(stored, "check", "--fetch")
    finally:
        site.restore("tradepress", "/feed.json")
    assert failed.exit_code == 1
    assert "tradepress           failed  http_status: " in failed.stdout


def test_list_shows_kind_tags_interval_health_and_counts(stored: Path) -> None:
    """`sources list` is the editors' table of sources; `--json` the same for scripts."""
    result = cli(stored, "sources", "list")
    assert result.exit_code == 0, result.output
    (dod,) = [line for line in result.stdout.splitlines() if line.startswith("dod-news")]
    assert dod.split()[:6] == ["dod-news", "feed", "official,", "dod", "30m", "3"]
    assert " ok 20" in dod
    rows = json.loads(cli(stored, "sources", "list", "--json").stdout)
    republisher = next(row for row in rows if row["id"] == "republisher")
    assert (republisher["kind"], republisher["articles"], republisher["failures"]) == ("html", 2, 0)


def test_add_finds_the_feed_of_a_page_and_changes_nothing_else(
    site: SampleSite, stored: Path, tmp_path: Path
) -> None:
    """The army's news page points to its Atom feed; the entry is appended in the file's
    own layout, every other byte stays, and adding it again is refused."""
    config = copy_of(stored, tmp_path)
    before = config.read_text(encoding="utf-8")
    page = site.url("army", "/news")
    result = cli(config, "sources", "add", page, "--id", "army", "--tags", "official,army")
    assert result.exit_code == 0, result.output
    feed = site.url("army", EXPECTED["feeds"]["army"])
    assert f"found feed {feed} (autodiscovery, 2 entries)" in result.stdout
    after = config.read_text(encoding="utf-8")
    added = (
        "\n  - id: army\n    name: U.S. Army News (sample)\n"
        f"    url: {feed}\n    homepage: {page}\n    tags: [official, army]\n"
    )
    assert after.replace(added, "", 1) == before
    army = load_config(config).source("army")
    assert (army.kind, army.tags) == ("feed", ("official", "army"))
    again = cli(config, "sources", "add", feed)
    assert again.exit_code == 2
    assert f"is already in {config} as 'army'" in again.stderr
    assert config.read_text(encoding="utf-8") == after


def test_add_reads_a_page_without_a_feed_by_its_links(
    site: SampleSite, stored: Path, tmp_path: Path
) -> None:
    """No feed anywhere: refused with a hint; with `--link-selector` it is an index page."""
    config = copy_of(stored, tmp_path)
    config.write_text(config.read_text().replace("id: republisher", "id: old-republisher"))
    page = site.url("republisher", "/")
    dry = cli(config, "sources", "add", page, "--dry-run")
    assert dry.exit_code == 1
    assert "no feed found at" in dry.stderr and "link selector" in dry.stderr
    result = cli(config, "sources", "add", page, "--link-selector", "h3.entry-title a")
    assert result.exit_code == 2  # the same index page and selector as old-republisher
    assert "is already in" in result.stderr
    other = cli(config, "sources", "add", page, "--link-selector", "div.td_block_trending_now a")
    assert other.exit_code == 0, other.output
    added = load_config(config).sources[-1]
    assert (added.kind, added.link_selector) == ("html", "div.td_block_trending_now a")


def test_add_writes_nothing_when_the_result_would_be_invalid(
    site: SampleSite, stored: Path, tmp_path: Path
) -> None:
    """A bad tag makes the new file invalid: the problem is named and the file untouched."""
    config = copy_of(stored, tmp_path)
    before = config.read_text(encoding="utf-8")
    result = cli(config, "sources", "add", site.url("army", "/news"), "--tags", "Army")
    assert result.exit_code == 2
    assert "not added" in result.stderr
    assert ".tags: expected a slug" in result.stderr
    assert config.read_text(encoding="utf-8") == before


def test_preview_of_a_source_shows_what_was_kept_removed_and_why(stored: Path) -> None:
    """The newest DoD story: facts, the site rules with their matches, removals, text."""
    result = cli(stored, "sources", "preview", "dod-news")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "(cleaned with the rules of source dod-news)" in out
    assert EXPECTED["separate_title"] in out
    assert "Extracted by: site-rules" in out
    assert "content_selector: div.body  matched 1 element(s)" in out
    assert "site rule remove_selectors: div.related-links" in out
    assert "the byline (shown as the author)" in out
    text = out.split("Cleaned text:", 1)[1]
    assert "Related Links" not in text and "Share:" not in text
    assert len(text.split()) > 150


def test_preview_of_a_copy_explains_the_ads_and_writes_an_inert_side_by_side_page(
    site: SampleSite, stored: Path, tmp_path: Path
) -> None:
    """A republished copy: ads and the credit line are listed as removed; the HTML page
    shows the original without scripts or remote loads next to the cleaned text."""
    page = tmp_path / "side.html"
    url = site.url(EXPECTED["copy_site"], EXPECTED["copy_path"])
    result = cli(stored, "sources", "preview", url, "--html", str(page))
    assert result.exit_code == 0, result.output
    assert "(cleaned with the rules of source republisher)" in result.stdout
    assert '[div.td-a-rec.td-a-rec-id-header]: "- Advertisement -"' in result.stdout
    assert "the credit line (kept as the link to the original)" in result.stdout
    assert f"Original:     U.S. Department of Defense <{site.url('dod')}" in result.stdout
    html = page.read_text(encoding="utf-8")
    original = html[html.index("<h2>Original") : html.index("<h2>Cleaned")]
    assert "default-src 'none'" in html
    assert "<script" not in html and "<iframe" not in html.lower()
    assert "<img" not in original and "<link" not in original and "style=" not in original
    assert 'class="removed" title="not article text' in original
    assert EXPECTED["copy_only_sentence"] in html


def test_source_tests_run_live_save_pages_and_catch_a_regression_offline(
    stored: Path, tmp_path: Path
) -> None:
    """`sources test` passes live while saving pages; offline it reads them back, and a
    page that changed (a redesign leaking a share bar into the body) fails with exit 1."""
    saved = tmp_path / "pages"
    live = cli(stored, "sources", "test", "--save", str(saved))
    assert live.exit_code == 0, live.output
    url = load_config(stored).source("dod-news").tests[0].url
    assert f"PASS  dod-news             {url}" in live.stdout
    assert live.stdout.rstrip().endswith("1 test: 1 passed, 0 failed")
    page = saved / saved_page_path("dod-news", url)
    assert page.parent.name == "dod-news" and page.name.endswith(".html")
    assert cli(stored, "sources", "test", "dod-news", "--offline", str(saved)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<div class="body">', '<div class="body"><p>Share: X</p>', 1))
    failed = cli(stored, "sources", "test", "--offline", str(saved))
    assert failed.exit_code == 1
    assert "FAIL  dod-news" in failed.stdout and "unwanted: 'Share:'" in failed.stdout


def test_source_tests_report_a_missing_page_as_an_error(stored: Path, tmp_path: Path) -> None:
    """An empty offline folder: each test is an ERROR naming the file, and the exit is 1."""
    result = cli(stored, "sources", "test", "--offline", str(tmp_path))
    assert result.exit_code == 1
    assert "ERROR dod-news" in result.stdout and "file:" in result.stdout
