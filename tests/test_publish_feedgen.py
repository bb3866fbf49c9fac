"""feedgen 1.0.0's bugs, shown on plain feedgen, and our output free of each of them.

Each pair: the first test shows the upstream behaviour (if one starts failing after a
feedgen upgrade, the workaround in syndicator/publish/xmlfeeds.py can go); the second
pins our output.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from feedrules import ATOM, check_file, parse_xml
from test_publish_corpus import ALLIANCE_URL, BASE_URL, corpus_config, render_corpus

WHEN = datetime(2024, 10, 30, tzinfo=UTC)


def plain_feed() -> FeedGenerator:
    generator = FeedGenerator()
    generator.id("https://example.org/feeds/all.atom")
    generator.title("Desk")
    generator.description("News")
    generator.updated(WHEN)
    return generator


def test_upstream_rss_channel_link_is_the_last_link_added() -> None:
    """Plain feedgen makes whichever link came last the RSS channel <link>."""
    generator = plain_feed()
    generator.link(href="https://example.org/index.html", rel="alternate")
    generator.link(href="https://example.org/feeds/all.rss", rel="self")
    channel = parse_xml(generator.rss_str()).find("channel")
    assert channel.findtext("link") == "https://example.org/feeds/all.rss"


def test_our_rss_channel_link_is_the_site_page_even_with_self_and_hub_links() -> None:
    """Our RSS channel <link> is the index page although self and hub links exist."""
    _, files = render_corpus(corpus_config(hub="https://hub.example.net/"))
    for path in ("feeds/all.rss", "feeds/source/dod-news.rss", "feeds/tag/naval.rss"):
        link = parse_xml(files[path]).findtext("channel/link")
        assert link.startswith(BASE_URL + "index.html"), (path, link)


def test_upstream_atom_entry_links_lose_their_rel() -> None:
    """Plain feedgen writes an entry's via link without rel (upstream issue 135)."""
    generator = plain_feed()
    entry = generator.add_entry()
    entry.id("urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001")
    entry.title("Story")
    entry.updated(WHEN)
    entry.content("<p>x</p>", type="html")
    entry.link(href="https://original.example.net/1", rel="via")
    link = parse_xml(generator.atom_str()).find(f"{ATOM}entry/{ATOM}link")
    assert link.get("href") == "https://original.example.net/1"
    assert link.get("rel") is None


def test_our_atom_via_and_related_links_keep_rel_type_and_title() -> None:
    """Our entries' via and related links carry rel, type and title."""
    _, files = render_corpus()
    entries = parse_xml(files["feeds/all.atom"]).findall(f"{ATOM}entry")
    links = [
        (link.get("rel"), link.get("type"), link.get("title"))
        for entry in entries
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel")
    ]
    assert ("related", "text/html", "Defence Tech Chronicle") in links
    copy = parse_xml(files["feeds/source/deftech.atom"]).find(f"{ATOM}entry")
    via = copy.find(f"{ATOM}link[@rel='via']")
    assert (via.get("href"), via.get("type")) == (ALLIANCE_URL, "text/html")


def test_upstream_source_writes_an_incomplete_atom_source() -> None:
    """Plain feedgen's source() gives an atom:source without id or updated: invalid."""
    generator = plain_feed()
    generator.link(href="https://example.org/feeds/all.atom", rel="self")
    generator.author(name="Desk")
    entry = generator.add_entry()
    entry.id("urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001")
    entry.title("Story")
    entry.updated(WHEN)
    entry.content("<p>x</p>", type="html")
    entry.source(url="https://original.example.net/feed", title="Original")
    data = generator.atom_str()
    source = parse_xml(data).find(f"{ATOM}entry/{ATOM}source")
    assert source.find(f"{ATOM}id") is None and source.find(f"{ATOM}updated") is None
    problems = check_file("all.atom", data, base_url="https://example.org/feeds/")
    assert any(p.rule == "MissingElement" and "source" in p.where for p in problems)


def test_our_atom_source_is_complete() -> None:
    """Every atom:source we write has id, title, updated and a self link."""
    _, files = render_corpus()
    sources = parse_xml(files["feeds/all.atom"]).findall(f"{ATOM}entry/{ATOM}source")
    assert sources
    for source in sources:
        for name in ("id", "title", "updated"):
            assert source.findtext(f"{ATOM}{name}")
        assert source.find(f"{ATOM}link[@rel='self']") is not None


def test_upstream_rss_drops_the_hub_link() -> None:
    """Plain feedgen copies only the self link into RSS; the WebSub hub link is lost."""
    generator = plain_feed()
    generator.link(href="https://example.org/feeds/all.rss", rel="self")
    generator.link(href="https://hub.example.net/", rel="hub")
    generator.link(href="https://example.org/index.html", rel="alternate")
    rels = [link.get("rel") for link in parse_xml(generator.rss_str()).iter(f"{ATOM}link")]
    assert rels == ["self"]
