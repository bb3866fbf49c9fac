"""The feed rules catch what the W3C validator flags: each case breaks one rule.

A minimal valid document of each kind is checked clean first; then each case edits
it in one place and names the rule that must fire. Without these, a rule that never
fires would let the publishing tests pass on anything.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from feedrules import check_file, check_html

BASE = "https://example.org/"
NOW = datetime(2024, 11, 1, tzinfo=UTC)

RSS = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
<channel>
<title>Desk</title>
<link>https://example.org/index.html</link>
<description>News</description>
<atom:link href="https://example.org/feeds/all.rss" rel="self" type="application/rss+xml"/>
<language>en</language>
<lastBuildDate>Wed, 30 Oct 2024 14:00:00 +0000</lastBuildDate>
<item>
<title>First story</title>
<link>https://news.example.com/1</link>
<description>&lt;p&gt;Text &lt;a href="https://news.example.com/2"&gt;more&lt;/a&gt;&lt;/p&gt;</description>
<content:encoded>&lt;p&gt;Full text.&lt;/p&gt;</content:encoded>
<guid isPermaLink="false">urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001</guid>
<pubDate>Wed, 30 Oct 2024 14:00:00 +0000</pubDate>
<source url="https://original.example.net/1">Original Desk</source>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>https://example.org/feeds/all.atom</id>
<title>Desk</title>
<updated>2024-10-30T14:00:00+00:00</updated>
<author><name>Desk</name></author>
<link href="https://example.org/feeds/all.atom" rel="self" type="application/atom+xml"/>
<link href="https://example.org/index.html" rel="alternate" type="text/html"/>
<entry>
<id>urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001</id>
<title>First story</title>
<updated>2024-10-30T14:00:00Z</updated>
<published>2024-10-30T14:00:00Z</published>
<content type="html">&lt;p&gt;Full text.&lt;/p&gt;</content>
<link href="https://news.example.com/1"/>
<source>
<id>https://example.org/feeds/source/a.atom</id>
<title>A</title>
<updated>2024-10-30T14:00:00Z</updated>
<link rel="self" href="https://example.org/feeds/source/a.atom"/>
</source>
</entry>
</feed>
"""

OPML = """<?xml version='1.0' encoding='UTF-8'?>
<opml version="2.0">
<head><title>Desk</title><dateModified>Wed, 30 Oct 2024 14:00:00 GMT</dateModified></head>
<body>
<outline text="All" title="All" type="rss" version="RSS2" xmlUrl="https://example.org/feeds/all.rss"/>
</body>
</opml>
"""


def json_feed(**changes: object) -> str:
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Desk",
        "home_page_url": "https://example.org/index.html",
        "feed_url": "https://example.org/feeds/all.json",
        "items": [
            {
                "id": "urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001",
                "url": "https://news.example.com/1",
                "title": "First story",
                "content_html": "<p>Full text.</p>",
                "date_published": "2024-10-30T14:00:00Z",
                "authors": [{"name": "Reporter"}],
            }
        ],
    }
    feed.update(changes)
    return json.dumps(feed)


def rules(path: str, text: str) -> set[str]:
    return {problem.rule for problem in check_file(path, text.encode(), base_url=BASE, now=NOW)}


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("feeds/all.rss", RSS),
        ("feeds/all.atom", ATOM),
        ("feeds.opml", OPML),
        ("feeds/all.json", json_feed()),
    ],
)
def test_the_minimal_documents_are_valid(path: str, text: str) -> None:
    """The baselines themselves break no rule, so each case below tests one rule only."""
    assert rules(path, text) == set()


RSS_CASES = [
    (
        "no self link",
        ('rel="self" type="application/rss+xml"', 'rel="alternate" type="application/rss+xml"'),
        "MissingSelf",
    ),
    (
        "self link elsewhere",
        ("example.org/feeds/all.rss", "example.org/feeds/other.rss"),
        "SelfDoesntMatchLocation",
    ),
    (
        "channel link is the feed",
        (
            "<link>https://example.org/index.html</link>",
            "<link>https://example.org/feeds/all.rss</link>",
        ),
        "ChannelLinkIsFeed",
    ),
    (
        "relative item link",
        ("<link>https://news.example.com/1</link>", "<link>/1</link>"),
        "InvalidFullLink",
    ),
    (
        "HTML in a title",
        ("<title>First story</title>", "<title>First &lt;b&gt;story&lt;/b&gt;</title>"),
        "ContainsHTML",
    ),
    (
        "double-escaped entity in a title",
        ("<title>First story</title>", "<title>Q&amp;amp;A</title>"),
        "ContainsHTML",
    ),
    (
        "ISO date in RSS",
        (
            "<pubDate>Wed, 30 Oct 2024 14:00:00 +0000</pubDate>",
            "<pubDate>2024-10-30T14:00:00Z</pubDate>",
        ),
        "InvalidRFC2822Date",
    ),
    ("wrong weekday", ("<pubDate>Wed, 30 Oct", "<pubDate>Thu, 30 Oct"), "IncorrectDOW"),
    (
        "date in the future",
        ("<pubDate>Wed, 30 Oct 2024", "<pubDate>Sat, 30 Oct 2027"),
        "ImplausibleDate",
    ),
    (
        "missing guid",
        ('<guid isPermaLink="false">urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001</guid>', ""),
        "MissingGuid",
    ),
    ("urn as a permalink", ('isPermaLink="false"', 'isPermaLink="true"'), "InvalidPermalink"),
    (
        "script in content",
        ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;script&gt;x()&lt;/script&gt;"),
        "SecurityRisk",
    ),
    (
        "relative link in description",
        ('href="https://news.example.com/2"', 'href="/2"'),
        "ContainsRelRef",
    ),
    (
        "source without url",
        ('<source url="https://original.example.net/1">', "<source>"),
        "MissingAttribute",
    ),
    (
        "author without e-mail",
        ("<pubDate>", "<author>Reporter</author><pubDate>"),
        "InvalidContact",
    ),
    (
        "C1 control character",
        ("<title>First story</title>", "<title>First\u0092story</title>"),
        "BadCharacters",
    ),
    ("no language", ("<language>en</language>", ""), "MissingDCLanguage"),
    (
        "duplicate title",
        ("<title>First story</title>", "<title>First story</title><title>Again</title>"),
        "DuplicateElement",
    ),
]


@pytest.mark.parametrize(("name", "edit", "rule"), RSS_CASES, ids=[case[0] for case in RSS_CASES])
def test_rss_rules_fire(name: str, edit: tuple[str, str], rule: str) -> None:
    """Each broken RSS document is flagged with the validator's rule name."""
    assert edit[0] in RSS
    assert rule in rules("feeds/all.rss", RSS.replace(edit[0], edit[1], 1))


def test_duplicate_guids_are_flagged() -> None:
    """Two items with one guid break the uniqueness the validator requires."""
    item = RSS[RSS.index("<item>") : RSS.index("</item>") + len("</item>")]
    assert "DuplicateValue" in rules("feeds/all.rss", RSS.replace(item, item + item))


ATOM_CASES = [
    ("no author anywhere", ("<author><name>Desk</name></author>", ""), "MissingElement"),
    (
        "self link elsewhere",
        (
            'href="https://example.org/feeds/all.atom" rel="self"',
            'href="https://example.org/x.atom" rel="self"',
        ),
        "SelfDoesntMatchLocation",
    ),
    (
        "id not an IRI",
        ("<id>urn:uuid:9b2f6a52-5f0d-5d0c-8a1e-000000000001</id>", "<id>abc123</id>"),
        "InvalidFullLink",
    ),
    ("malformed uuid urn", ("8a1e-000000000001</id>", "8a1e-0001</id>"), "InvalidURN"),
    (
        "RFC 822 date in Atom",
        (
            "<updated>2024-10-30T14:00:00Z</updated>\n<published>",
            "<updated>Wed, 30 Oct 2024 14:00:00 +0000</updated>\n<published>",
        ),
        "InvalidRFC3339Date",
    ),
    (
        "HTML in a text title",
        ("<title>First story</title>", "<title>First &lt;em&gt;story&lt;/em&gt;</title>"),
        "ContainsHTML",
    ),
    (
        "content without type",
        (
            '<content type="html">&lt;p&gt;Full text.&lt;/p&gt;</content>',
            "<content>&lt;p&gt;Full text.&lt;/p&gt;</content>",
        ),
        "ContainsHTML",
    ),
    (
        "iframe in content",
        ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;iframe src='https://x.example'&gt;&lt;/iframe&gt;"),
        "SecurityRisk",
    ),
    (
        "form in content",
        ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;form&gt;&lt;/form&gt;"),
        "SecurityRisk",
    ),
    (
        "style attribute",
        ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;p style='color:red'&gt;x&lt;/p&gt;"),
        "DangerousStyleAttr",
    ),
    (
        "event handler",
        ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;p onclick='x()'&gt;x&lt;/p&gt;"),
        "SecurityRiskAttr",
    ),
    ("broken HTML", ("&lt;p&gt;Full text.&lt;/p&gt;", "&lt;p&gt;a&lt;/div&gt;"), "NotHtml"),
    (
        "incomplete atom:source",
        (
            '<link rel="self" href="https://example.org/feeds/source/a.atom"/>\n</source>',
            "</source>",
        ),
        "MissingSelf",
    ),
    (
        "source without updated",
        ('<updated>2024-10-30T14:00:00Z</updated>\n<link rel="self"', '<link rel="self"'),
        "MissingElement",
    ),
    (
        "no content and no alternate",
        (
            '<content type="html">&lt;p&gt;Full text.&lt;/p&gt;</content>\n<link href="https://news.example.com/1"/>',
            "",
        ),
        "MissingContentOrAlternate",
    ),
    (
        "unknown link rel",
        (
            '<link href="https://news.example.com/1"/>',
            '<link rel="sideways" href="https://news.example.com/1"/>',
        ),
        "UnregisteredAtomLinkRel",
    ),
]


@pytest.mark.parametrize(("name", "edit", "rule"), ATOM_CASES, ids=[case[0] for case in ATOM_CASES])
def test_atom_rules_fire(name: str, edit: tuple[str, str], rule: str) -> None:
    """Each broken Atom document is flagged with the validator's rule name."""
    assert edit[0] in ATOM
    assert rule in rules("feeds/all.atom", ATOM.replace(edit[0], edit[1], 1))


def test_duplicate_entry_ids_are_flagged() -> None:
    """Two entries with one id are an error."""
    entry = ATOM[ATOM.index("<entry>") : ATOM.index("</entry>") + len("</entry>")]
    assert "DuplicateIds" in rules("feeds/all.atom", ATOM.replace(entry, entry + entry))


def test_a_doctype_is_refused() -> None:
    """A feed with a DOCTYPE (an entity-expansion risk) is not accepted."""
    text = ATOM.replace("<feed", '<!DOCTYPE feed [<!ENTITY x "y">]>\n<feed', 1)
    assert "NotWellFormed" in rules("feeds/all.atom", text)


JSON_CASES = [
    ("wrong version", {"version": "https://jsonfeed.org/version/1"}, "InvalidVersion"),
    ("feed_url elsewhere", {"feed_url": "https://example.org/x.json"}, "SelfDoesntMatchLocation"),
    ("unknown top-level key", {"author": {"name": "x"}}, "UndefinedElement"),
    ("relative home page", {"home_page_url": "/index.html"}, "InvalidFullLink"),
    ("no items", {"items": None}, "MissingElement"),
    ("item without content", {"items": [{"id": "1", "title": "t"}]}, "MissingElement"),
    (
        "item with a bad date",
        {"items": [{"id": "1", "content_text": "t", "date_published": "30/10/2024"}]},
        "InvalidRFC3339Date",
    ),
    (
        "duplicate ids",
        {"items": [{"id": "1", "content_text": "a"}, {"id": "1", "content_text": "b"}]},
        "DuplicateIds",
    ),
    (
        "script in content_html",
        {"items": [{"id": "1", "content_html": "<script>x</script>"}]},
        "SecurityRisk",
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "rule"), JSON_CASES, ids=[case[0] for case in JSON_CASES]
)
def test_json_feed_rules_fire(name: str, changes: dict[str, object], rule: str) -> None:
    """Each broken JSON Feed is flagged."""
    assert rule in rules("feeds/all.json", json_feed(**changes))


OPML_CASES = [
    (
        "rss outline without xmlUrl",
        (' xmlUrl="https://example.org/feeds/all.rss"', ""),
        "MissingXmlURL",
    ),
    ("unknown outline version", ('version="RSS2"', 'version="atom"'), "InvalidOutlineVersion"),
    ("bad date", ("Wed, 30 Oct 2024 14:00:00 GMT", "2024-10-30"), "InvalidRFC2822Date"),
    (
        "unknown head element",
        ("<title>Desk</title>", "<title>Desk</title><generator>x</generator>"),
        "UndefinedElement",
    ),
    ("outline attributes without type", (' type="rss"', ""), "MissingOutlineType"),
]


@pytest.mark.parametrize(("name", "edit", "rule"), OPML_CASES, ids=[case[0] for case in OPML_CASES])
def test_opml_rules_fire(name: str, edit: tuple[str, str], rule: str) -> None:
    """Each broken OPML document is flagged."""
    assert edit[0] in OPML
    assert rule in rules("feeds.opml", OPML.replace(edit[0], edit[1], 1))


def test_check_html_accepts_clean_markup_and_names_each_problem() -> None:
    """The HTML rules pass sanitized markup and flag relative URLs and unsafe elements."""
    clean = '<p>Text <a href="https://x.example/">link</a> <img src="https://x.example/i.png"></p>'
    assert check_html(clean, "content") == []
    found = {p.rule for p in check_html('<p><img src="i.png"><object></object></p>', "content")}
    assert found == {"ContainsRelRef", "SecurityRisk"}
