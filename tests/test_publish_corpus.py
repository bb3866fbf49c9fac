"""A small corpus of stored articles, written for these tests, and the walk over it.

The corpus plays the store: a Department of Defense original, a messy republished
copy of it (hostile markup, relative URLs, bad characters, an escaped HTML title), a
paywalled outlet published as summaries, an undated article, a changed one, one from
a source that left the configuration, and a tag with nothing in it. Other publishing
tests import the builders; the walk below checks every file the corpus produces
against the feed rules and reads it back with feedparser.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from feedrules import assert_valid, parse_xml

from syndicator.models import (
    Appearance,
    Article,
    Channel,
    Config,
    PublishSettings,
    SiteSettings,
    Source,
    StoredArticle,
)
from syndicator.publish import channels_for, render_outputs
from syndicator.serve import CONTENT_TYPES

BASE_URL = "http://127.0.0.1:8080/"
T0 = datetime(2024, 10, 30, 14, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=3)
PAYWALL_MARKER = "PAYWALLED-BODY-SENTENCE"

SOURCES = (
    Source(
        id="dod-news",
        name="U.S. Department of Defense News",
        url="https://www.war.gov/DesktopModules/ArticleCS/RSS.ashx",
        homepage="https://www.war.gov/News/",
        tags=("indo-pacific", "naval", "pentagon"),
        publisher="U.S. Department of Defense",
    ),
    Source(
        id="deftech",
        name="Defence Tech Chronicle",
        url="https://deftech.example.com/",
        kind="html",
        link_selector="h3.entry-title a",
        homepage="https://deftech.example.com/",
        tags=("indo-pacific", "technology"),
    ),
    Source(
        id="defense-weekly",
        name="Defense Weekly (subscribers)",
        url="https://weekly.example.net/feed.xml",
        tags=("industry", "naval"),
        publish="summary",
    ),
    Source(
        id="space-desk", name="Space Desk", url="https://space.example.org/feed", tags=("space",)
    ),
    Source(
        id="mothballed", name="Mothballed Blog", url="https://old.example.org/rss", enabled=False
    ),
)


def corpus_config(
    base_url: str = BASE_URL,
    *,
    hub: str | None = None,
    items_per_feed: int = 50,
    sources: tuple[Source, ...] = SOURCES,
) -> Config:
    """The corpus configuration, served at `base_url`."""
    return Config(
        path=Path("sources.yaml"),
        database=Path("db/syndicator.db"),
        output_dir=Path("public"),
        site=SiteSettings(
            title="Defense Desk",
            base_url=base_url,
            description="Defense news without the clutter, credited to who published it first.",
            websub_hub=hub,
        ),
        publish=PublishSettings(items_per_feed=items_per_feed),
        sources=sources,
    )


ALLIANCE_URL = "https://www.war.gov/News/News-Stories/Article/3950011/alliance-review/"
COPY_URL = "https://deftech.example.com/2024/10/stronger-together-alliance/"


def _alliance() -> StoredArticle:
    article = Article(
        id="a11a9ce0000000000000000a",
        url=ALLIANCE_URL,
        title="Defense Leaders Review Alliance Readiness at Annual Consultative Meeting",
        content_html=(
            "<p>Defense leaders of the two allies met in Washington to review deterrence, "
            "combined training and the next round of field exercises.</p>"
            '<p>Read the <a href="/News/Releases/">joint communiqué</a>.</p>'
            '<figure><img src="/images/podium.jpg" alt="Two officials at a podium">'
            "<figcaption>The leaders took questions after the meeting.</figcaption></figure>"
        ),
        content_text="Defense leaders of the two allies met in Washington to review deterrence.",
        summary="Defense leaders of the two allies met in Washington to review deterrence.",
        author="Defense Desk Staff Writer",
        published=T0,
        tags=("indo-pacific",),
        language="en",
    )
    copy = Appearance("deftech", "Defence Tech Chronicle", COPY_URL)
    return StoredArticle(article, "dod-news", T0, T0, "story-alliance", (copy,))


def _alliance_copy() -> StoredArticle:
    article = Article(
        id="c0b1e5000000000000000c0b",
        url=COPY_URL + "?utm_source=rss&ref=home",
        title="Stronger Together: U.S. &amp; South Korea Pledge <em>Unbreakable</em> Security",
        content_html=(
            '<p style="color:red" onclick="steal()">At the annual meeting\x0b the allies '
            "agreed to deepen deterrence\x92 cooperation \ufffd and planning.</p>"
            "<script>track('view')</script><style>.ad{display:block}</style>"
            '<iframe src="https://ads.example.com/frame"></iframe>'
            '<form action="/subscribe"><input name="email"><button>Join</button></form>'
            '<p>See <a href="../related/">related coverage</a> and '
            '<img src="img/chart.png" srcset="img/chart.png 1x, /img/chart@2x.png 2x" alt="chart">'
            '<a href="javascript:alert(1)">this link</a>.</p>'
        ),
        content_text="At the annual meeting the allies agreed to deepen deterrence cooperation.",
        original_url=ALLIANCE_URL,
        original_publisher="U.S. Department of Defense",
        published=T0 + timedelta(hours=3),
        tags=("indo-pacific",),
    )
    return StoredArticle(
        article, "deftech", T0 + timedelta(hours=3), T0 + timedelta(hours=3), "story-alliance"
    )


def _hypersonic() -> StoredArticle:
    article = Article(
        id="b1a5e0000000000000000b1a",
        url="https://weekly.example.net/2024/10/29/glide-body-test",
        title="Navy Completes Glide Body Flight Test Off the Virginia Coast",
        content_html=f"<p>{PAYWALL_MARKER}: the full analysis for paying readers.</p>",
        content_text=f"{PAYWALL_MARKER}: the full analysis for paying readers.",
        summary="The Navy flew a hypersonic glide body from a ship launcher for the first time.",
        author="Weekly Correspondent",
        published=T0 - timedelta(days=1),
        tags=("naval",),
    )
    return StoredArticle(
        article, "defense-weekly", T0 - timedelta(days=1), T0 - timedelta(days=1), "story-glide"
    )


def _undated() -> StoredArticle:
    first_seen = T0 - timedelta(hours=2)
    article = Article(
        id="d0a7ed00000000000000d0a7",
        url="https://deftech.example.com/2024/10/drone-makers-showcase/",
        title="Drone Makers Court Army Buyers at Autumn Showcase",
        content_html="<p>Small drone makers lined the hall, pitching cheap loitering drones.</p>",
        content_text="Small drone makers lined the hall, pitching cheaper loitering munitions.",
    )
    return StoredArticle(article, "deftech", first_seen, first_seen, "story-drones")


def _shipbuilding() -> StoredArticle:
    article = Article(
        id="5b1b00000000000000005b1b",
        url="https://www.war.gov/News/Releases/Release/3950020/shipbuilding-plan/",
        title="Pentagon Sends Updated Thirty-Year Shipbuilding Plan to Congress",
        content_html="<p>The plan adds two submarines and retires older cruisers sooner.</p>",
        content_text="The plan adds two submarines and retires older cruisers sooner.",
        published=T0 - timedelta(days=3),
        tags=("naval",),
    )
    first_seen = T0 - timedelta(days=3)
    return StoredArticle(article, "dod-news", first_seen, T0 + timedelta(hours=5), "story-ships")


def _retired() -> StoredArticle:
    article = Article(
        id="0ed000000000000000000ed0",
        url="https://old.example.org/2024/10/farewell",
        title="Farewell From the Retired Blog",
        content_html="<p>The whole post, which we no longer vouch for.</p>",
        content_text="The whole post, which we no longer vouch for.",
        published=T0 - timedelta(days=2),
    )
    return StoredArticle(
        article, "retired-blog", T0 - timedelta(days=2), T0 - timedelta(days=2), "story-retired"
    )


def corpus_articles() -> dict[str, StoredArticle]:
    """Every stored article of the corpus, by a short name."""
    return {
        "alliance": _alliance(),
        "alliance_copy": _alliance_copy(),
        "hypersonic": _hypersonic(),
        "undated": _undated(),
        "shipbuilding": _shipbuilding(),
        "retired": _retired(),
    }


def corpus_feeds(
    config: Config, articles: dict[str, StoredArticle] | None = None
) -> dict[Channel, list[StoredArticle]]:
    """What the store would hand over per channel: one representative per story for the
    combined and tag channels, each source's own articles for source channels."""
    articles = articles if articles is not None else corpus_articles()
    representatives = [item for name, item in articles.items() if name != "alliance_copy"]
    tags_of = {source.id: set(source.tags) for source in config.sources}
    feeds: dict[Channel, list[StoredArticle]] = {}
    for channel in channels_for(config):
        if channel.kind == "all":
            feeds[channel] = list(representatives)
        elif channel.kind == "source":
            feeds[channel] = [item for item in articles.values() if item.source_id == channel.key]
        else:
            feeds[channel] = [
                item
                for item in representatives
                if channel.key in tags_of.get(item.source_id, set())
            ]
    return feeds


def render_corpus(config: Config | None = None) -> tuple[Config, dict[str, bytes]]:
    config = config or corpus_config()
    return config, render_outputs(config, corpus_feeds(config))


def content_type_of(path: str) -> str:
    """The Content-Type the server sends for a published path."""
    return CONTENT_TYPES["." + path.rsplit(".", 1)[-1]]


# --- the walk -------------------------------------------------------------------------

CONFIG, FILES = render_corpus(corpus_config(hub="http://127.0.0.1:9/hub"))
FEED_FILES = sorted(path for path in FILES if path.endswith((".rss", ".atom", ".json")))


@pytest.mark.parametrize("path", [*FEED_FILES, "feeds.opml"])
def test_every_published_file_follows_the_feed_rules(path: str) -> None:
    """Every feed and the OPML file pass the W3C validator's rules, with no warnings."""
    assert_valid(path, FILES[path], base_url=BASE_URL, now=NOW)


@pytest.mark.parametrize("path", FEED_FILES)
def test_feedparser_reads_every_feed_cleanly(path: str) -> None:
    """feedparser reads each feed without a bozo flag and finds the items the file holds."""
    if path.endswith(".json"):
        data = json.loads(FILES[path])
        expected = len(data["items"])
        assert all(item["title"] for item in data["items"])
        return
    headers = {"content-location": BASE_URL + path, "content-type": content_type_of(path)}
    parsed = feedparser.parse(FILES[path], response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    expected = len(parse_xml(FILES[path]).findall(".//item")) or len(
        parse_xml(FILES[path]).findall("{http://www.w3.org/2005/Atom}entry")
    )
    assert len(parsed.entries) == expected
    for entry in parsed.entries:
        assert (
            entry.title and entry.link.startswith("https://") and entry.id.startswith("urn:uuid:")
        )
        assert entry.published_parsed is not None and entry.updated_parsed is not None
        assert entry.author


def test_the_corpus_produces_every_channel_in_every_format() -> None:
    """The corpus exercises all channel kinds, including source and tag feeds with no items."""
    assert b"<item>" not in FILES["feeds/tag/space.rss"]
    assert b"<entry>" not in FILES["feeds/source/space-desk.atom"]
    assert "feeds/source/mothballed.rss" not in FILES
