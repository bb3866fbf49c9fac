"""`syndicator articles …` against the sample site: find, read and curate stored articles,
then publish and fetch again: decisions reach every feed and survive later fetches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from editors_site import (
    BASE_URL,
    cli,
    copy_of,
    feed_titles,
    running_site,  # noqa: F401 (the `site` fixture)
    write_sources,
)
from feedrules import assert_valid_folder

from syndicator.demo import EXPECTED, SampleSite

pytestmark = pytest.mark.e2e
ORIGINAL = EXPECTED["original_title"]
REQUIRED = {"id", "title", "url", "source", "published"}


@pytest.fixture(scope="module")
def stored(site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site's sources (with a topic feed) after one stored and published pass."""
    config = write_sources(site, tmp_path_factory.mktemp("articles"))
    assert cli(config, "run", "--workers", "0").exit_code == 0
    return config


@pytest.fixture
def config(stored: Path, tmp_path: Path) -> Path:
    """A private copy to curate (tests never see each other's decisions)."""
    return copy_of(stored, tmp_path)


@contextmanager
def edited(site: SampleSite, path: str, old: str, new: str) -> Iterator[None]:
    """A DoD story edited upstream (its page, and its feed so the page is fetched again),
    for the length of the block."""
    feed = EXPECTED["feeds"]["dod"]
    site.edit("dod", path, old, new)
    site.edit("dod", feed, "</description>", " Updated.</description>")
    try:
        yield
    finally:
        site.edit("dod", path, new, old)
        site.edit("dod", feed, " Updated.</description>", "</description>")


def article_id(config: Path, title: str, *args: str) -> str:
    found = json.loads(cli(config, "articles", "list", "--json", *args).stdout)
    (match,) = [item["id"] for item in found if item["title"] == title]
    return str(match)


def test_list_filters_by_source_tag_date_and_hidden(stored: Path) -> None:
    """`articles list` and its filters; `--json` objects carry the documented keys."""
    everything = json.loads(cli(stored, "articles", "list", "--json").stdout)
    assert len(everything) == 9 and all(set(item) >= REQUIRED for item in everything)
    by_source = json.loads(
        cli(stored, "articles", "list", "--source", "army-news", "--json").stdout
    )
    assert {item["source"] for item in by_source} == {"army-news"} and len(by_source) == 2
    industry = json.loads(cli(stored, "articles", "list", "--tag", "industry", "--json").stdout)
    assert {item["source"] for item in industry} == {"republisher", "tradepress"}
    since = json.loads(cli(stored, "articles", "list", "--since", "2025-11-05", "--json").stdout)
    assert since and all(item["published"] >= "2025-11-05" for item in since)
    assert len(since) < len(everything)
    assert cli(stored, "articles", "list", "--hidden").stdout == ""
    text = cli(stored, "articles", "list", "--source", "dod-news").stdout.splitlines()
    assert len(text) == 3 and all(" dod-news " in line for line in text)


def test_show_gives_attribution_copies_and_text(stored: Path) -> None:
    """`articles show` of the republished copy names the original and the other copy."""
    copy = article_id(stored, EXPECTED["copy_title"])
    result = cli(stored, "articles", "show", copy)
    assert result.exit_code == 0, result.output
    assert "original:     U.S. Department of Defense <" in result.stdout
    assert "Copies of this story (* = the one its feed item shows):" in result.stdout
    assert "  * " in result.stdout and "U.S. Department of Defense: " in result.stdout
    assert EXPECTED["copy_only_sentence"] in result.stdout
    data = json.loads(cli(stored, "articles", "show", copy, "--json").stdout)
    assert set(data) >= REQUIRED
    assert data["original_publisher"] == EXPECTED["original_publisher"]
    assert sorted(c["source_id"] for c in data["copies"]) == ["dod-news", "republisher"]
    assert data["listed_by"][0]["source"] == "republisher"
    assert cli(stored, "articles", "show", "nope").exit_code == 2


def test_search_is_ranked_with_snippets_and_takes_fts5_syntax(stored: Path) -> None:
    """FTS5 over titles and text, best first, with the matching passage marked."""
    hits = json.loads(cli(stored, "articles", "search", "frigate", "--json").stdout)
    assert hits[0]["title"] == "Navy Weighs Second Shipyard to Speed Up Frigate Deliveries"
    assert "[Frigate]" in hits[0]["snippet"] and set(hits[0]) >= REQUIRED
    phrase = json.loads(cli(stored, "search", '"wet-gap crossing" OR Imjin', "--json").stdout)
    assert [hit["source"] for hit in phrase] == ["army-news"]
    plain = cli(stored, "articles", "search", "U.S. deterrence")
    assert plain.exit_code == 0 and "not FTS5 syntax" in plain.stderr
    assert ORIGINAL in plain.stdout


def test_hide_leaves_every_feed_stays_hidden_on_refetch_and_is_logged(
    site: SampleSite, config: Path
) -> None:
    """Hidden: gone from the combined, source, tag and topic feeds at the next publish, and
    still gone after the story changes upstream and is fetched again; unhide restores it."""
    original = article_id(config, ORIGINAL)
    feeds = ("all", "source/dod-news", "tag/official", "topic/korea")
    assert all(ORIGINAL in feed_titles(config, feed) for feed in feeds)
    hidden = cli(config, "articles", "hide", original, "--reason", "duplicate of a briefing")
    assert hidden.exit_code == 0 and f"hidden: {original}" in hidden.stdout
    assert cli(config, "publish").exit_code == 0
    assert not any(ORIGINAL in feed_titles(config, feed) for feed in feeds)
    sentence = EXPECTED["original_sentences"][0]
    with edited(site, EXPECTED["original_path"], sentence, sentence + " Again."):
        refetched = cli(config, "run", "--workers", "0")
    assert "1 updated" in refetched.stdout
    assert not any(ORIGINAL in feed_titles(config, feed) for feed in feeds)
    assert original in cli(config, "articles", "list", "--hidden").stdout
    log = cli(config, "articles", "log").stdout
    assert f"hide   {original} — duplicate of a briefing" in log
    assert cli(config, "articles", "unhide", original).exit_code == 0
    assert cli(config, "publish").exit_code == 0
    assert ORIGINAL in feed_titles(config, "all")


def test_pin_puts_an_article_first_in_its_feeds(config: Path) -> None:
    """The oldest army story, pinned, leads the combined and its source feed; unpinned, not."""
    title = "Soldiers Put a Backpack Counter-Drone Kit Through Its Paces at Yuma"
    army = article_id(config, title)
    assert feed_titles(config, "all")[0] != title
    assert cli(config, "articles", "pin", army, "--reason", "feature").exit_code == 0
    assert cli(config, "publish").exit_code == 0
    assert feed_titles(config, "all")[0] == title
    assert feed_titles(config, "source/army-news")[0] == title
    assert "[pinned]" in cli(config, "articles", "list", "--source", "army-news").stdout
    assert cli(config, "articles", "unpin", army).exit_code == 0
    assert cli(config, "publish").exit_code == 0
    assert feed_titles(config, "all")[0] != title


def test_tag_edits_move_an_article_between_tag_feeds_and_survive_a_refetch(
    site: SampleSite, config: Path
) -> None:
    """`+tag -tag` changes the article's tag feeds and topic restriction; a forced re-fetch
    (the source writing its own tags again) keeps the editor's tags."""
    separate = EXPECTED["separate_title"]
    article = article_id(config, separate)
    result = cli(config, "articles", "tag", article, "+korea", "-official", "--reason", "topic")
    assert result.exit_code == 0, result.output
    assert f"tags of {article}: dod, korea" in result.stdout
    assert "no source carries #korea" in result.stdout
    assert cli(config, "publish").exit_code == 0
    assert separate not in feed_titles(config, "tag/official")
    assert separate in feed_titles(config, "tag/dod")
    assert separate not in feed_titles(config, "topic/korea")  # restricted to #official
    sentence = "The four ministers issued a joint statement"
    with edited(site, EXPECTED["separate_path"], sentence, sentence + " again"):
        refetched = cli(config, "run", "--workers", "0")
    assert "1 updated" in refetched.stdout
    data = json.loads(cli(config, "articles", "show", article, "--json").stdout)
    assert data["tags"] == ["dod", "korea"]
    assert [entry["detail"] for entry in data["history"]] == ["+korea -official"]
    assert cli(config, "articles", "tag", article, "Bad Tag").exit_code == 2


def test_topic_feed_is_published_like_every_feed(stored: Path) -> None:
    """feeds/topic/korea.* hold each matching story once; OPML and index list it; valid."""
    titles = feed_titles(stored, "topic/korea")
    assert sorted(titles) == sorted(
        [
            ORIGINAL,
            EXPECTED["separate_title"],
            "Eighth Army, ROK Engineers Bridge the Imjin in Combined Wet-Gap Crossing",
        ]
    )
    public = stored.parent / "public"
    for suffix in ("rss", "atom"):
        assert (public / "feeds" / "topic" / f"korea.{suffix}").is_file()
    assert f'xmlUrl="{BASE_URL}feeds/topic/korea.rss"' in (public / "feeds.opml").read_text()
    index = (public / "index.html").read_text()
    assert 'id="topic-korea"' in index and "Korean Peninsula" in index
    checked = assert_valid_folder(public, base_url=BASE_URL)
    assert "feeds/topic/korea.atom" in checked


def test_unknown_ids_are_usage_errors(stored: Path) -> None:
    """Every curation command refuses an unknown id with status 2 and changes nothing."""
    for command in ("hide", "unhide", "pin", "unpin"):
        result = cli(stored, "articles", command, "no-such-id")
        assert result.exit_code == 2 and "no article with id no-such-id" in result.stderr
    assert cli(stored, "articles", "log").stdout == ""


def test_hide_story_hides_every_copy_of_it(config: Path) -> None:
    """`--story` on the republished copy hides the DoD original too: out of every feed."""
    copy = article_id(config, EXPECTED["copy_title"])
    result = cli(config, "articles", "hide", copy, "--story", "--reason", "retracted")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("hidden: ") == 2
    assert cli(config, "publish").exit_code == 0
    assert ORIGINAL not in feed_titles(config, "all")
    assert ORIGINAL not in feed_titles(config, "source/dod-news")
    assert EXPECTED["copy_title"] not in feed_titles(config, "source/republisher")
    hidden = json.loads(cli(config, "articles", "list", "--hidden", "--json").stdout)
    assert sorted(item["source"] for item in hidden) == ["dod-news", "republisher"]
