"""Discovering entries in feeds and index pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syndicator.discover import discover, entry_id
from syndicator.errors import NotAFeed, ParseError
from syndicator.models import FetchResult, Source, Validators

FEED_URL = "https://news.example.mil/rss.xml"


def fetched(
    body: str | bytes, content_type: str = "application/rss+xml", url: str = FEED_URL
) -> FetchResult:
    data = body.encode() if isinstance(body, str) else body
    return FetchResult(
        requested_url=url,
        url=url,
        status=200,
        body=data,
        content_type=content_type,
        encoding="utf-8",
        validators=Validators(),
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        elapsed=timedelta(milliseconds=5),
    )


SOURCE = Source(id="mil", name="Mil News", url=FEED_URL, max_entries=30)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Mil News</title><link>https://news.example.mil/</link><ttl>90</ttl>
<item><title>Older &amp; wiser</title><link>/stories/1?utm_source=rss&amp;id=7</link>
  <guid isPermaLink="false">story-1</guid><pubDate>Tue, 29 Oct 2024 10:00:00 -0400</pubDate>
  <description>&lt;p&gt;First &lt;b&gt;summary&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title><![CDATA[Newer <em>story</em>]]></title><link>https://news.example.mil/stories/2</link>
  <pubDate>Wed, 30 Oct 2024 09:00:00 GMT</pubDate>
  <media:thumbnail url="https://news.example.mil/img/2.jpg"/>
  <description>Second summary</description></item>
<item><title>No link at all</title><description>cannot be read</description></item>
</channel></rss>"""


def test_rss_entries_newest_first_with_absolute_clean_links() -> None:
    """RSS items become entries: newest first, absolute links without trackers, UTC dates."""
    found = discover(SOURCE, fetched(RSS))
    assert [e.title for e in found.entries] == ["Newer story", "Older & wiser"]
    newer, older = found.entries
    assert older.url == "https://news.example.mil/stories/1?id=7"
    assert older.guid == "story-1"
    assert older.published == datetime(2024, 10, 29, 14, 0, tzinfo=UTC)
    assert "<b>summary</b>" in older.summary_html
    assert newer.image == "https://news.example.mil/img/2.jpg"
    assert found.ttl == timedelta(minutes=90)


def test_entry_ids_are_stable_and_scoped_to_the_source() -> None:
    """An entry keeps its id across fetches; the same GUID in two sources gives two ids."""
    first = discover(SOURCE, fetched(RSS)).entries
    again = discover(SOURCE, fetched(RSS)).entries
    assert [e.entry_id for e in first] == [e.entry_id for e in again]
    assert entry_id("a", guid="x", url=None) != entry_id("b", guid="x", url=None)
    assert entry_id("a", guid=None, url="https://www.x.org/a/") == entry_id(
        "a", guid=None, url="http://x.org/a?utm_medium=feed"
    )


def test_max_entries_caps_the_newest() -> None:
    """Only the newest max_entries entries are taken from one fetch."""
    source = Source(id="mil", name="Mil", url=FEED_URL, max_entries=1)
    assert [e.title for e in discover(source, fetched(RSS)).entries] == ["Newer story"]


def test_atom_and_json_feed() -> None:
    """Atom and JSON Feed 1.1 documents are read too."""
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <id>urn:a</id><updated>2024-10-30T00:00:00Z</updated>
    <entry><title>Atom story</title><id>urn:a:1</id><link href="https://a.example.mil/1"/>
    <updated>2024-10-30T12:00:00+02:00</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
    <author><name>Jo Writer</name></author></entry></feed>"""
    (entry,) = discover(SOURCE, fetched(atom, "application/atom+xml")).entries
    assert (entry.title, entry.url, entry.author) == (
        "Atom story",
        "https://a.example.mil/1",
        "Jo Writer",
    )
    assert entry.updated == datetime(2024, 10, 30, 10, 0, tzinfo=UTC)
    assert entry.content_html == "<p>Body</p>"
    json_feed = """{"version": "https://jsonfeed.org/version/1.1", "title": "J",
      "items": [{"id": "j1", "url": "https://j.example.com/1", "title": "JSON story",
                 "content_html": "<p>Hi</p>", "date_published": "2024-10-30T08:00:00Z"}]}"""
    (entry,) = discover(SOURCE, fetched(json_feed, "application/feed+json")).entries
    assert (entry.title, entry.url, entry.guid) == ("JSON story", "https://j.example.com/1", "j1")


def test_html_page_where_a_feed_was_expected_is_not_a_feed() -> None:
    """A challenge page served instead of the feed is NotAFeed, so nothing is deleted."""
    page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking</body></html>"
    with pytest.raises(NotAFeed):
        discover(SOURCE, fetched(page, "text/html"))


def test_garbage_is_a_parse_error() -> None:
    """Bytes that are no feed at all are a ParseError with the URL."""
    with pytest.raises(ParseError) as caught:
        discover(SOURCE, fetched(b"\x00\x01 not xml {", "application/octet-stream"))
    assert caught.value.url == FEED_URL


def test_broken_xml_keeps_the_entries_it_can_read() -> None:
    """A feed with a well-formedness error still yields its entries, with a warning."""
    broken = RSS.replace("</channel>", "<item><title>Bad & worse</title></channel>")
    found = discover(SOURCE, fetched(broken))
    assert len(found.entries) == 2
    assert found.warnings and "not well-formed" in found.warnings[0]


def test_entity_expansion_and_external_entities_are_not_followed() -> None:
    """A billion-laughs feed and an external entity neither blow up nor leak files."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>T</title><item><title>&i;&xxe;</title>'
        "<link>https://x.example.mil/1</link></item></channel></rss>"
    )
    found = discover(SOURCE, fetched(bomb))
    for entry in found.entries:
        assert len(entry.title) < 10_000
        assert "root:" not in entry.title


INDEX = """<html><head><title>Republisher</title></head><body>
<nav><a href="/about">About</a></nav>
<h3 class="entry-title"><a href="/2024/10/story-one/?utm_campaign=x">Story one</a></h3>
<h3 class="entry-title"><a href="https://rep.example.com/2024/10/story-two/">Story two</a></h3>
<h3 class="entry-title"><a href="/2024/10/story-one/">Story one again</a></h3>
<h3 class="entry-title"><a href="javascript:alert(1)">Bad</a></h3>
</body></html>"""


def test_index_page_links_by_selector() -> None:
    """An index page yields the links its selector picks: absolute, deduplicated, safe."""
    source = Source(
        id="rep",
        name="Rep",
        url="https://rep.example.com/news/",
        kind="html",
        link_selector="h3.entry-title a",
    )
    found = discover(source, fetched(INDEX, "text/html", url="https://rep.example.com/news/"))
    assert [(e.url, e.title) for e in found.entries] == [
        ("https://rep.example.com/2024/10/story-one/", "Story one"),
        ("https://rep.example.com/2024/10/story-two/", "Story two"),
    ]


def test_index_page_without_matches_warns() -> None:
    """A selector that matches nothing is reported, not silently empty."""
    source = Source(
        id="rep",
        name="Rep",
        url="https://rep.example.com/",
        kind="html",
        link_selector="article h2 a",
    )
    found = discover(source, fetched(INDEX, "text/html", url="https://rep.example.com/"))
    assert found.entries == () and "no links matched" in found.warnings[0]


def test_malformed_links_do_not_break_discovery() -> None:
    """An item whose link no URL parser accepts is skipped; the others are kept."""
    broken = RSS.replace(
        "<link>https://news.example.mil/stories/2</link>", "<link>http://[::1</link>"
    )
    titles = [e.title for e in discover(SOURCE, fetched(broken)).entries]
    assert "Older & wiser" in titles
