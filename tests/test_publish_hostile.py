"""Hostile text in every field an article or a configuration brings never breaks a feed.

Each case puts one nasty string into the title, author, publisher, tags, summary,
content, language and source name at once; every output must still render, pass the
feed rules and parse cleanly.
"""

from __future__ import annotations

import dataclasses
import json

import feedparser
import html5lib
import pytest
from feedrules import assert_valid
from test_publish_corpus import (
    BASE_URL,
    NOW,
    SOURCES,
    content_type_of,
    corpus_articles,
    corpus_config,
)

from syndicator.models import Appearance, Channel
from syndicator.publish import render_outputs

HOSTILE = [
    "<script>alert(1)</script>Headline",
    "A &amp;amp; B &lt;b&gt;bold&lt;/b&gt;",
    "\x00\x01Control\x1f characters\x7f",
    "Lone \ud800 surrogate",
    "Right-to-left \u202e override",
    "]]> ends CDATA <![CDATA[ starts it",
    "&#0; &#xD800; &#x110000; bad references",
    "Tab\tand\nnew\r\nlines",
    "\uffff\ufffe non-characters \ufffd",
    "C1 \x85\x92\x9f controls",
    "Rocket 🚀 and ümlauts",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "   ",
]


@pytest.mark.parametrize("text", HOSTILE, ids=[f"case{i}" for i in range(len(HOSTILE))])
def test_hostile_text_everywhere_still_gives_valid_feeds(text: str) -> None:
    """Whatever the text, every output is valid and feedparser reads it without complaint."""
    source = dataclasses.replace(SOURCES[1], name=f"Source {text}")
    config = corpus_config(sources=(SOURCES[0], source, *SOURCES[2:]))
    stored = corpus_articles()["alliance_copy"]
    article = dataclasses.replace(
        stored.article,
        title=text,
        author=text,
        original_publisher=text,
        summary=text,
        content_html=f"<p>{text}</p><p title='{text}'>{text}</p>",
        content_text=text,
        tags=(text, "ok"),
        language=text,
    )
    hostile = dataclasses.replace(
        stored,
        article=article,
        appearances=(Appearance("x", text, f"https://x.example/{text}"),),
    )
    files = render_outputs(
        config, {Channel("all"): [hostile], Channel("source", "deftech"): [hostile]}
    )
    for path, data in files.items():
        if path.endswith((".rss", ".atom", ".json", ".opml")):
            assert_valid(path, data, base_url=BASE_URL, now=NOW)
    for path in ("feeds/all.rss", "feeds/all.atom", "feeds/source/deftech.atom"):
        headers = {"content-location": BASE_URL + path, "content-type": content_type_of(path)}
        parsed = feedparser.parse(files[path], response_headers=headers)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries[0].title.strip()
    json.loads(files["feeds/all.json"])
    page = html5lib.parse(files["index.html"], namespaceHTMLElements=False)
    assert not [element for element in page.iter() if element.tag in ("script", "img")]
    handlers = [name for e in page.iter() for name in e.attrib if str(name).startswith("on")]
    assert handlers == []
