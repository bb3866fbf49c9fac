"""The index page: subscribe links, autodiscovery, headlines with credits, escaping."""

from __future__ import annotations

import dataclasses
import hashlib

import html5lib
from test_publish_corpus import (
    ALLIANCE_URL,
    BASE_URL,
    SOURCES,
    corpus_articles,
    corpus_config,
    render_corpus,
)

from syndicator.models import Channel
from syndicator.publish import channels_for, render_outputs

MEDIA = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


def page(files: dict[str, bytes]) -> html5lib.treebuilders.etree.Element:
    return html5lib.parse(files["index.html"], namespaceHTMLElements=False)


def test_the_page_is_well_formed_html5() -> None:
    """html5lib's strict parser reads the page without a single parse error."""
    _, files = render_corpus()
    html5lib.HTMLParser(strict=True).parse(files["index.html"].decode("utf-8"))


def test_every_feed_is_advertised_for_autodiscovery() -> None:
    """A <link rel=alternate> with the right type for every channel in every format."""
    config, files = render_corpus()
    links = {
        (link.get("type"), link.get("href"))
        for link in page(files).iter("link")
        if link.get("rel") == "alternate"
    }
    expected = {
        (MEDIA[fmt], f"{BASE_URL}feeds/{channel.slug}.{fmt}")
        for channel in channels_for(config)
        for fmt in MEDIA
    }
    assert links == expected
    outline = [link for link in page(files).iter("link") if link.get("rel") == "outline"]
    assert [link.get("href") for link in outline] == [BASE_URL + "feeds.opml"]


def test_headlines_follow_the_combined_feed_with_links_and_sources() -> None:
    """The Latest list shows each item of the combined feed, newest first, with its source."""
    _, files = render_corpus()
    stories = [li for li in page(files).iter("li") if li.get("class") == "story"]
    titles = [li.find("h3/a").text for li in stories]
    assert titles[:2] == [
        "Defense Leaders Review Alliance Readiness at Annual Consultative Meeting",
        "Drone Makers Court Army Buyers at Autumn Showcase",
    ]
    first = stories[0]
    assert first.find("h3/a").get("href") == ALLIANCE_URL
    assert first.find("p/span").text == "U.S. Department of Defense News"
    also = next(p for p in first.iter("p") if p.get("class") == "credit also")
    assert [a.text for a in also.iter("a")] == ["Defence Tech Chronicle"]


def test_a_republished_headline_credits_its_original_publisher() -> None:
    """When the representative is a copy, the page says who published it first."""
    config = corpus_config()
    copy = corpus_articles()["alliance_copy"]
    files = render_outputs(config, {Channel("all"): [copy]})
    credit = next(p for p in page(files).iter("p") if p.get("class") == "credit")
    assert "".join(credit.itertext()) == "Originally published by U.S. Department of Defense"
    assert credit.find("a").get("href") == ALLIANCE_URL


def test_each_source_and_tag_has_a_section_with_its_feeds() -> None:
    """Channel pages linked from the feeds exist as anchors listing that channel's feeds."""
    config, files = render_corpus()
    sections = {li.get("id"): li for li in page(files).iter("li") if li.get("id")}
    for channel in channels_for(config)[1:]:
        anchor = f"{channel.kind}-{channel.key}"
        hrefs = [a.get("href") for a in sections[anchor].iter("a") if a.get("class") == "feed"]
        assert hrefs == [f"{BASE_URL}feeds/{channel.slug}.{fmt}" for fmt in MEDIA]
    dod = sections["source-dod-news"]
    assert dod.find("div/a").get("href") == "https://www.war.gov/News/"


def test_summary_items_are_marked_as_excerpts() -> None:
    """Items from summary sources carry an 'excerpt' badge, others do not."""
    _, files = render_corpus()
    badges = [
        li.find("h3/a").text
        for li in page(files).iter("li")
        if li.get("class") == "story" and any(s.get("class") == "badge" for s in li.iter("span"))
    ]
    assert badges == [
        "Navy Completes Glide Body Flight Test Off the Virginia Coast",
        "Farewell From the Retired Blog",
    ]


def test_names_from_the_configuration_are_escaped() -> None:
    """A source name with markup is shown as plain text; the page runs no script at all."""
    hostile = dataclasses.replace(SOURCES[0], name='<script>alert("x")</script>DoD')
    config = corpus_config(sources=(hostile, *SOURCES[1:]))
    files = render_outputs(config, {})
    assert b"<script" not in files["index.html"]
    names = [div.find("a") for div in page(files).iter("div") if div.get("class") == "name"]
    assert names[0].text == 'alert("x")DoD'  # markup stripped, the text kept


def test_the_stylesheet_is_published_and_linked_with_its_hash() -> None:
    """style.css is part of the output and the page links it with a content hash."""
    _, files = render_corpus()
    digest = hashlib.sha256(files["style.css"]).hexdigest()[:12]
    sheets = [
        link.get("href") for link in page(files).iter("link") if link.get("rel") == "stylesheet"
    ]
    assert sheets == [f"style.css?v={digest}"]


def test_an_empty_site_still_renders_a_helpful_page() -> None:
    """Before the first run the page says the feeds fill up after it, and lists the feeds."""
    files = render_outputs(corpus_config(), {})
    text = files["index.html"].decode("utf-8")
    assert "No articles yet" in text
    assert f"{BASE_URL}feeds/all.rss" in text


def test_digests_are_linked_from_the_page_when_configured() -> None:
    """Each digest's Atom feed and the archive are offered; without digests, nothing."""
    from syndicator.models import DigestSpec

    assert b"digests-heading" not in render_corpus()[1]["index.html"]
    config = dataclasses.replace(
        corpus_config(), digests=(DigestSpec("daily", "Defense Daily <Brief>"),)
    )
    files = render_corpus(config)[1]
    document = page(files)
    section = document.find(".//section[@aria-labelledby='digests-heading']")
    assert section is not None
    links = {a.get("href"): a.text for a in section.iter("a")}
    assert links == {
        f"{BASE_URL}digests/index.html": "the archive",
        f"{BASE_URL}digests/daily.atom": "Atom",
    }
    assert "Defense Daily" in "".join(section.itertext())
    assert b"<Brief>" not in files["index.html"]  # names are plain text on the page
