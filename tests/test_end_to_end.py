"""End to end: `syndicator run` as a real process against the sample site on loopback.

Real HTTP (the bundled sample site, 127.0.0.1 only), a real SQLite file, real published
files read back with feedparser and checked against the feed validator's rules.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import feedparser
import pytest
import yaml
from feedrules import assert_valid_folder, published_feeds

from syndicator.demo import EXPECTED, RequestRecord, SampleSite

pytestmark = pytest.mark.e2e

BASE_URL = "https://feeds.example.org/"
OUTPUTS = ("rss", "atom", "json")


def syndicator(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


@dataclass
class TwoRuns:
    site: SampleSite
    config: Path
    public: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    after_first: dict[str, tuple[bytes, int]]
    after_second: dict[str, tuple[bytes, int]]
    second_requests: list[RequestRecord]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    """Two passes over an unchanged sample site, with what each left behind."""
    folder = tmp_path_factory.mktemp("e2e")
    with SampleSite() as site:
        config = folder / "sources.yaml"
        # No digests: a run issues those due by the wall clock, so two runs either side of
        # a due time would differ. Runs that issue digests are tested with a clock the
        # test controls (tests/test_digest_delivery.py).
        settings = yaml.safe_load(site.sources_yaml(base_url=BASE_URL))
        settings["digests"] = []
        config.write_text(yaml.safe_dump(settings), encoding="utf-8")
        first = syndicator(config, "run")
        after_first = snapshot(folder / "public")
        seen = len(site.requests)
        second = syndicator(config, "run")
        after_second = snapshot(folder / "public")
        yield TwoRuns(
            site,
            config,
            folder / "public",
            first,
            second,
            after_first,
            after_second,
            site.requests[seen:],
        )


def items(public: Path, feed: str) -> list[dict[str, object]]:
    """The entries of a published feed as feedparser reads them (JSON Feed as JSON)."""
    data = (public / feed).read_bytes()
    if feed.endswith(".json"):
        return list(json.loads(data)["items"])
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{feed}: {parsed.get('bozo_exception')}"
    return list(parsed.entries)


def test_first_run_reports_every_source_and_exits_zero(two_runs: TwoRuns) -> None:
    """A pass that completes exits 0 and reports each source on its own line."""
    assert two_runs.first.returncode == 0, two_runs.first.stderr
    report = two_runs.first.stdout
    for source_id in EXPECTED["source_ids"]:
        assert source_id in report
    assert "robots_disallowed" in report  # the disallowed page is skipped and reported
    assert "0 failed" in report


def test_every_published_feed_is_valid_and_reads_back(two_runs: TwoRuns) -> None:
    """Every feed and the OPML pass the validator's rules; feedparser reads each without bozo."""
    checked = assert_valid_folder(two_runs.public, base_url=BASE_URL)
    assert "feeds/all.atom" in checked and "feeds.opml" in checked
    for feed in published_feeds(two_runs.public):
        if not feed.endswith(".opml"):
            assert items(two_runs.public, feed), f"{feed} is empty"


def test_story_is_published_once_clean_and_credits_the_original(two_runs: TwoRuns) -> None:
    """The DoD story and its republished copy are one item: the original's text, linked."""
    original_url = two_runs.site.url(EXPECTED["original_site"], EXPECTED["original_path"])
    copy_url = two_runs.site.url(EXPECTED["copy_site"], EXPECTED["copy_path"])
    for kind in OUTPUTS:
        entries = items(two_runs.public, f"feeds/all.{kind}")
        titles = [str(e["title"]) for e in entries]
        assert sorted(titles) == sorted(EXPECTED["published_titles"]), kind
        (story,) = [e for e in entries if e["title"] == EXPECTED["original_title"]]
        link = story.get("url") or story.get("link")
        assert link == original_url
        content = html.unescape(_content(story))
        for sentence in (*EXPECTED["original_sentences"], *EXPECTED["original_subheadings"]):
            assert sentence in content
        image = two_runs.site.url(EXPECTED["original_site"], EXPECTED["original_image_path"])
        assert f'src="{image}"' in content  # the lazy-loaded figure, with its real image
        assert EXPECTED["copy_only_sentence"] not in content
        assert EXPECTED["copy_source_name"] in content  # "also published by" the republisher
        assert copy_url in content


def test_story_item_names_its_author_and_links_the_copy(two_runs: TwoRuns) -> None:
    """The Atom item has the original's author and the copy as a related link."""
    copy_url = two_runs.site.url(EXPECTED["copy_site"], EXPECTED["copy_path"])
    entry = _atom_entry(two_runs.public, EXPECTED["original_title"])
    assert entry["author"] == EXPECTED["original_author"]
    assert [link.href for link in entry["links"] if link.rel == "related"] == [copy_url]  # type: ignore[attr-defined]
    assert EXPECTED["original_publisher"] in entry["source"]["title"]  # type: ignore[index]


def test_copy_keeps_its_place_in_its_own_feed_with_a_visible_credit(two_runs: TwoRuns) -> None:
    """The republisher's own feed still lists its copy, crediting the DoD original visibly."""
    original_url = two_runs.site.url(EXPECTED["original_site"], EXPECTED["original_path"])
    entries = items(two_runs.public, f"feeds/source/{EXPECTED['copy_source_id']}.atom")
    (copy,) = [e for e in entries if e["title"] == EXPECTED["copy_title"]]
    content = _content(copy)
    assert f"Originally published by {EXPECTED['original_publisher']}" in content
    assert original_url in content


def test_same_topic_story_stays_separate(two_runs: TwoRuns) -> None:
    """The next day's 2+2 story shares people and words but is its own item."""
    titles = [str(e["title"]) for e in items(two_runs.public, "feeds/all.atom")]
    assert titles.count(EXPECTED["separate_title"]) == 1
    assert titles.count(EXPECTED["original_title"]) == 1


def test_no_ad_or_boilerplate_text_in_any_output(two_runs: TwoRuns) -> None:
    """None of the junk on the sample pages reaches any published file."""
    for path, (data, _) in two_runs.after_first.items():
        text = html.unescape(data.decode("utf-8", errors="replace"))
        for junk in EXPECTED["junk"]:
            assert junk not in text, f"{junk!r} leaked into {path}"


def test_second_run_over_unchanged_sources_changes_nothing(two_runs: TwoRuns) -> None:
    """The second pass adds nothing, rewrites no file and is answered with 304s."""
    assert two_runs.second.returncode == 0, two_runs.second.stderr
    assert "0 new articles" in two_runs.second.stdout
    assert "0 files changed" in two_runs.second.stdout
    assert two_runs.after_second == two_runs.after_first
    statuses = [r.status for r in two_runs.second_requests]
    assert statuses and set(statuses) == {304}, statuses


def test_editing_an_article_updates_it_without_changing_its_id(tmp_path: Path) -> None:
    """An edited story keeps its item id; its `updated` date moves on.

    Both passes may fall within one wall-clock second: the store dates a change strictly
    after the last one, so this holds whatever the clock says (the same-second case is
    pinned with a controlled clock in tests/test_retries.py).
    """
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(site.sources_yaml(base_url=BASE_URL), encoding="utf-8")
        assert syndicator(config, "run").returncode == 0
        before = _atom_entry(tmp_path / "public", EXPECTED["original_title"])
        sentence = EXPECTED["original_sentences"][0]
        site.edit(
            EXPECTED["original_site"],
            EXPECTED["original_path"],
            sentence,
            sentence + " (corrected)",
        )
        feed = EXPECTED["feeds"]["dod"]
        site.edit("dod", feed, "</description>", " Updated.</description>")
        third = syndicator(config, "run")
        assert third.returncode == 0, third.stderr
        assert "1 updated" in third.stdout
        after = _atom_entry(tmp_path / "public", EXPECTED["original_title"])
    assert after["id"] == before["id"]
    assert after["updated_parsed"] > before["updated_parsed"]
    assert sentence + " (corrected)" in _content(after)


def test_a_failing_source_is_reported_and_loses_nothing(tmp_path: Path) -> None:
    """A server fault fails one source; the pass completes and stored articles stay published."""
    with SampleSite() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(site.sources_yaml(base_url=BASE_URL), encoding="utf-8")
        assert syndicator(config, "run").returncode == 0
        army_before = items(tmp_path / "public", "feeds/source/army-news.json")
        site.fail("army", EXPECTED["feeds"]["army"], 500)
        result = syndicator(config, "run", "--force")
    assert result.returncode == 0, result.stderr
    assert "FAILED" in result.stdout and "http_status" in result.stdout
    assert "1 failed" in result.stdout
    assert items(tmp_path / "public", "feeds/source/army-news.json") == army_before


def test_invalid_config_exits_2_and_touches_nothing(tmp_path: Path) -> None:
    """An invalid sources.yaml is reported with file, line and key; nothing is created."""
    config = tmp_path / "sources.yaml"
    config.write_text("database: x.db\nsources:\n  - id: Bad Id\n    name: x\n", encoding="utf-8")
    result = syndicator(config, "run")
    assert result.returncode == 2
    assert f"{config}:3: sources[0].id: expected a slug" in result.stderr
    assert f"{config}:3: sources[0].url: required key is missing" in result.stderr
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "public").exists()


def test_unwritable_database_exits_1(tmp_path: Path) -> None:
    """When the database cannot be opened the pass cannot complete: exit status 1."""
    (tmp_path / "blocker").write_text("a file where the database folder should be")
    config = tmp_path / "sources.yaml"
    config.write_text(
        "database: blocker/syndicator.db\nsources:\n  - id: a\n    name: A\n"
        "    url: https://example.invalid/feed\n",
        encoding="utf-8",
    )
    result = syndicator(config, "run")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot open database")


def _content(entry: dict[str, object]) -> str:
    if "content_html" in entry:
        return str(entry["content_html"])
    content = entry.get("content") or [{"value": entry.get("summary", "")}]
    return str(content[0]["value"])  # type: ignore[index]


def _atom_entry(public: Path, title: str) -> dict[str, object]:
    (entry,) = [e for e in items(public, "feeds/all.atom") if e["title"] == title]
    return entry


def test_publish_again_rewrites_no_file(two_runs: TwoRuns) -> None:
    """`syndicator publish` with no new articles leaves every file's bytes and mtime alone."""
    result = syndicator(two_runs.config, "publish")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("0 file(s) changed")
    assert snapshot(two_runs.public) == two_runs.after_first


class _Hub(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.received.append(parse_qs(self.rfile.read(length).decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


def test_websub_hub_is_pinged_for_changed_feeds_only(tmp_path: Path) -> None:
    """With a hub configured, a run that changed feeds announces them; an idle run does not."""
    hub = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    _Hub.received = []
    thread = threading.Thread(target=hub.serve_forever, daemon=True)
    thread.start()
    try:
        with SampleSite() as site:
            settings = yaml.safe_load(site.sources_yaml(base_url=BASE_URL))
            settings["site"]["websub_hub"] = f"http://127.0.0.1:{hub.server_address[1]}/hub"
            config = tmp_path / "sources.yaml"
            config.write_text(yaml.safe_dump(settings), encoding="utf-8")
            assert syndicator(config, "run").returncode == 0
            after_first = list(_Hub.received)
            assert syndicator(config, "run").returncode == 0
    finally:
        hub.shutdown()
        hub.server_close()
    pinged = {url for form in after_first for url in form.get("hub.url", [])}
    assert all(form["hub.mode"] == ["publish"] for form in after_first)
    assert f"{BASE_URL}feeds/all.atom" in pinged and f"{BASE_URL}feeds/all.rss" in pinged
    assert _Hub.received == after_first  # the second, idle run announced nothing
    atom = (tmp_path / "public" / "feeds" / "all.atom").read_text()
    assert 'rel="hub"' in atom and 'rel="self"' in atom
