"""The editor and operator commands, run as real processes over a real pass."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from digest_fixtures import smtp_server
from feedrules import assert_valid_folder

from syndicator.demo import EXPECTED, SampleSite

pytestmark = pytest.mark.e2e


def syndicator(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A sources file whose database holds one pass over the sample site."""
    folder = tmp_path_factory.mktemp("cli")
    with SampleSite() as site:
        path = folder / "sources.yaml"
        path.write_text(site.sources_yaml(base_url="https://feeds.example.org/"), encoding="utf-8")
        assert syndicator(path, "run").returncode == 0
        yield path


def test_check_summarises_a_valid_file(config: Path) -> None:
    """`check` validates the file and says where the database and output go."""
    result = syndicator(config, "check")
    assert result.returncode == 0
    assert "ok, 4 sources (4 enabled)" in result.stdout
    assert "https://feeds.example.org/" in result.stdout


def test_status_reports_every_source(config: Path) -> None:
    """`status` lists each source with its last check and the article count."""
    result = syndicator(config, "status")
    assert result.returncode == 0
    assert "9 articles in 8 stories" in result.stdout
    for source_id in EXPECTED["source_ids"]:
        assert source_id in result.stdout


def test_search_finds_stored_articles(config: Path) -> None:
    """`search` runs a full-text query over titles and text."""
    result = syndicator(config, "search", "deterrence")
    assert result.returncode == 0
    assert EXPECTED["original_title"] in result.stdout


def test_digest_writes_html_text_and_markdown_for_the_period(config: Path) -> None:
    """`digest` writes the period's three files, lists each story once and prints the paths."""
    day = EXPECTED["original_published"].date().isoformat()
    result = syndicator(config, "digest", "--period", "weekly", "--date", day, "--no-email")
    assert result.returncode == 0, result.stderr
    paths = [Path(line) for line in result.stdout.split()]
    assert [path.name for path in paths] == ["2025-11-03.html", "2025-11-03.txt", "2025-11-03.md"]
    text = next(path for path in paths if path.suffix == ".txt").read_text()
    assert " ".join(text.split()).count(EXPECTED["original_title"]) == 1  # (wrapped at 72)
    assert f"Also published by {EXPECTED['copy_source_name']} [" in text
    for path in paths:
        content = html.unescape(path.read_text())
        assert not [junk for junk in EXPECTED["junk"] if junk in content], path


def test_run_issues_the_latest_digests_with_an_archive_and_valid_feeds(config: Path) -> None:
    """The fixture's `run` produced each configured digest's latest period, the archive page
    and one valid Atom feed per digest."""
    public = config.parent / "public"
    checked = assert_valid_folder(public, base_url="https://feeds.example.org/")
    assert {"digests/daily.atom", "digests/weekly.atom", "digests/official.atom"} <= set(checked)
    archive = (public / "digests" / "index.html").read_text()
    for title in ("Defense Daily Brief", "Defense Weekly", "Official Sources Daily"):
        assert title in archive


def test_digest_send_mails_once_and_a_refusal_exits_1(config: Path, tmp_path: Path) -> None:
    """`digest --send` mails each recipient the day's digest once; a refused recipient is
    reported with exit status 1 and gets it on a later --send, the others not again."""
    shutil.copy(config.parent / "syndicator.db", tmp_path / "syndicator.db")
    day = EXPECTED["original_published"].date().isoformat()
    with smtp_server() as (inbox, port):
        copy = tmp_path / "sources.yaml"
        copy.write_text(
            config.read_text()
            + "\ndigest:\n  email:\n    smtp_host: 127.0.0.1\n"
            + f"    smtp_port: {port}\n    starttls: false\n    from: digests@feeds.example.org\n"
            + "    to: [ann@example.org, bob@example.org]\n",
            encoding="utf-8",
        )
        inbox.refuse.add("bob@example.org")
        first = syndicator(copy, "digest", "--id", "daily", "--date", day, "--send")
        assert first.returncode == 1
        assert "not mailed" in first.stderr and "bob@example.org" in first.stderr
        assert "sent to ann@example.org" in first.stderr
        inbox.refuse.clear()
        second = syndicator(copy, "digest", "--id", "daily", "--date", day, "--send")
        assert second.returncode == 0, second.stderr
        assert [message["To"] for message in inbox.messages] == [
            "ann@example.org",
            "bob@example.org",
        ]
    message = inbox.messages[0]
    assert message["Subject"] == "Defense Daily Brief — Tuesday 4 November 2025"
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        assert part is not None
        body = html.unescape(str(part.get_content()))
        assert EXPECTED["original_title"] in " ".join(body.split())
        assert not [junk for junk in EXPECTED["junk"] if junk in body]
        for copy_url in re.findall(r"https://feeds\.example\.org/articles/\w+\.html", body):
            assert (
                tmp_path / "public" / copy_url.removeprefix("https://feeds.example.org/")
            ).is_file()


def test_digest_refuses_to_mail_a_period_not_over_or_an_unknown_digest(config: Path) -> None:
    """Mail goes out once a period is over; asking earlier, or naming a digest that is not
    configured, is a usage error (status 2)."""
    result = syndicator(config, "digest", "--id", "daily", "--date", "2999-01-01", "--send")
    assert result.returncode == 2
    assert "once its period is over" in result.stderr
    unknown = syndicator(config, "digest", "--id", "dialy")
    assert unknown.returncode == 2
    assert "unknown digest id(s): dialy (configured: daily, official, weekly)" in unknown.stderr


def test_hide_removes_an_article_from_every_output_and_undo_brings_it_back(config: Path) -> None:
    """`hide` takes a story out of the published feeds (after `publish`); `--undo` restores it."""
    hits = json.loads(syndicator(config, "search", "deterrence", "--json").stdout)
    (found,) = [hit["id"] for hit in hits if hit["title"] == EXPECTED["original_title"]]
    all_feed = config.parent / "public" / "feeds" / "all.json"
    assert syndicator(config, "hide", found).returncode == 0
    assert syndicator(config, "publish").returncode == 0
    titles = [item["title"] for item in json.loads(all_feed.read_text())["items"]]
    assert EXPECTED["original_title"] not in titles
    assert syndicator(config, "hide", found, "--undo").returncode == 0
    assert syndicator(config, "publish").returncode == 0
    titles = [item["title"] for item in json.loads(all_feed.read_text())["items"]]
    assert EXPECTED["original_title"] in titles


def test_hide_of_an_unknown_id_is_a_usage_error(config: Path) -> None:
    """An unknown article id is refused with status 2."""
    result = syndicator(config, "hide", "no-such-id")
    assert result.returncode == 2
    assert "no article with id no-such-id" in result.stderr


def test_extract_shows_an_editor_the_clean_article(tmp_path: Path) -> None:
    """`extract FILE --format json` prints the clean article with its attribution."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Test story</title></head><body><article><h1>Test story</h1>"
        + "<p>The brigade finished its rotation and returned home this week.</p>" * 6
        + "<p>- Advertisement -</p><p>To read original article please visit "
        "<a href='https://www.defense.gov/News/Article/1/'>DoD website</a></p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    result = syndicator(
        tmp_path / "absent.yaml",
        "extract",
        str(page),
        "--url",
        "https://copy.example.com/story/",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == "Test story"
    assert article["original_url"] == "https://www.defense.gov/News/Article/1/"
    assert "Advertisement" not in article["content_text"]
