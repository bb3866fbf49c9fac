"""Publishing behaviour: which files, which items, stable ids and dates, credits, hygiene."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import feedparser
from feedrules import ATOM, assert_valid, parse_xml
from test_publish_corpus import (
    ALLIANCE_URL,
    BASE_URL,
    COPY_URL,
    PAYWALL_MARKER,
    T0,
    content_type_of,
    corpus_articles,
    corpus_config,
    corpus_feeds,
    render_corpus,
)

from syndicator.models import Appearance, Article, Channel, StoredArticle
from syndicator.publish import (
    build_documents,
    changed_feed_urls,
    channels_for,
    item_id,
    render_outputs,
)


def _parse(files: dict[str, bytes], path: str) -> feedparser.FeedParserDict:
    headers = {"content-location": BASE_URL + path, "content-type": content_type_of(path)}
    return feedparser.parse(files[path], response_headers=headers)


def _entry(files: dict[str, bytes], path: str, title_start: str) -> feedparser.FeedParserDict:
    matches = [e for e in _parse(files, path).entries if e.title.startswith(title_start)]
    assert len(matches) == 1, f"{title_start!r} in {path}: {len(matches)}"
    return matches[0]


def test_channels_are_all_then_enabled_sources_then_sorted_tags() -> None:
    """One combined channel, one per enabled source, one per tag in use, in that order."""
    slugs = [channel.slug for channel in channels_for(corpus_config())]
    assert slugs == [
        "all",
        "source/dod-news",
        "source/deftech",
        "source/defense-weekly",
        "source/space-desk",
        "tag/indo-pacific",
        "tag/industry",
        "tag/naval",
        "tag/pentagon",
        "tag/space",
        "tag/technology",
    ]


def test_render_outputs_produces_every_feed_in_three_formats_and_the_pages() -> None:
    """Each channel gets .rss, .atom and .json; plus feeds.opml, index.html, style.css."""
    config, files = render_corpus()
    expected = {
        f"feeds/{channel.slug}.{fmt}"
        for channel in channels_for(config)
        for fmt in ("rss", "atom", "json")
    }
    assert set(files) == expected | {"feeds.opml", "index.html", "style.css"}


def test_rendering_twice_gives_identical_bytes() -> None:
    """Nothing reads the clock: the same articles always produce the same bytes."""
    assert render_corpus()[1] == render_corpus()[1]


def test_input_order_does_not_change_the_output() -> None:
    """Items are ordered newest first with ties broken by id, whatever order the store uses."""
    config = corpus_config()
    feeds = corpus_feeds(config)
    reversed_feeds = {channel: list(reversed(items)) for channel, items in feeds.items()}
    assert render_outputs(config, feeds) == render_outputs(config, reversed_feeds)


def test_items_are_newest_first_by_published_date() -> None:
    """The combined feed lists items by the date readers see, newest first."""
    _, files = render_corpus()
    titles = [entry.title for entry in _parse(files, "feeds/all.atom").entries]
    assert titles == [
        "Defense Leaders Review Alliance Readiness at Annual Consultative Meeting",
        "Drone Makers Court Army Buyers at Autumn Showcase",
        "Navy Completes Glide Body Flight Test Off the Virginia Coast",
        "Farewell From the Retired Blog",
        "Pentagon Sends Updated Thirty-Year Shipbuilding Plan to Congress",
    ]


def test_items_per_feed_caps_every_feed_keeping_the_newest() -> None:
    """publish.items_per_feed keeps only that many items, the newest ones."""
    config = corpus_config(items_per_feed=2)
    files = render_outputs(config, corpus_feeds(config))
    entries = _parse(files, "feeds/all.rss").entries
    assert [entry.title[:12] for entry in entries] == ["Defense Lead", "Drone Makers"]
    assert len(json.loads(files["feeds/all.json"])["items"]) == 2


def test_equal_dates_are_ordered_by_article_id() -> None:
    """Two items with the same date come out in article-id order."""
    config = corpus_config()
    base = corpus_articles()["undated"]
    twins = [
        dataclasses.replace(base, article=dataclasses.replace(base.article, id=i, url=url))
        for i, url in (("f" * 24, "https://x.example/b"), ("0" * 24, "https://x.example/a"))
    ]
    files = render_outputs(config, {Channel("all"): twins})
    ids = [entry.id for entry in _parse(files, "feeds/all.atom").entries]
    assert ids == [item_id("0" * 24), item_id("f" * 24)]


def test_a_duplicate_article_is_published_once() -> None:
    """The same article twice in one channel gives one item (ids must be unique)."""
    config = corpus_config()
    alliance = corpus_articles()["alliance"]
    files = render_outputs(config, {Channel("all"): [alliance, alliance]})
    assert len(_parse(files, "feeds/all.rss").entries) == 1


def test_channels_are_matched_by_slug_and_unknown_ones_ignored() -> None:
    """A bare Channel key finds its configured channel; unconfigured channels publish nothing."""
    config = corpus_config()
    alliance = corpus_articles()["alliance"]
    feeds = {Channel("source", "dod-news"): [alliance], Channel("source", "mothballed"): [alliance]}
    files = render_outputs(config, feeds)
    assert len(_parse(files, "feeds/source/dod-news.rss").entries) == 1
    assert "feeds/source/mothballed.rss" not in files
    assert _parse(files, "feeds/all.rss").entries == []


def test_item_id_and_link_stay_when_an_article_changes_and_updated_moves() -> None:
    """A changed article keeps its id, link and published date; only `updated` moves."""
    config = corpus_config()
    articles = corpus_articles()
    before = render_outputs(config, corpus_feeds(config, articles))
    changed = articles["alliance"]
    articles["alliance"] = dataclasses.replace(
        changed,
        article=dataclasses.replace(changed.article, content_html="<p>Corrected text.</p>"),
        changed_at=T0 + timedelta(days=1),
    )
    after = render_outputs(config, corpus_feeds(config, articles))
    for path in ("feeds/all.atom", "feeds/all.rss"):
        old, new = _entry(before, path, "Defense Leaders"), _entry(after, path, "Defense Leaders")
        assert (new.id, new.link, new.published) == (old.id, old.link, old.published)
        assert new.id == item_id("a11a9ce0000000000000000a")
        assert new.updated_parsed > old.updated_parsed
    json_item = json.loads(after["feeds/all.json"])["items"][0]
    assert json_item["date_modified"] == "2024-10-31T14:00:00Z"
    assert json_item["date_published"] == "2024-10-30T14:00:00Z"


def test_an_undated_article_uses_the_first_seen_time() -> None:
    """An article without a published date is dated when the store first saw it."""
    _, files = render_corpus()
    entry = _entry(files, "feeds/all.atom", "Drone Makers")
    assert entry.published == "2024-10-30T12:00:00+00:00"


def test_feed_dates_come_from_the_items() -> None:
    """The feed's updated/lastBuildDate is its newest item change, not the clock."""
    _, files = render_corpus()
    atom = parse_xml(files["feeds/all.atom"])
    assert atom.findtext(f"{ATOM}updated") == "2024-10-30T19:00:00+00:00"
    rss = parse_xml(files["feeds/all.rss"])
    assert rss.findtext("channel/lastBuildDate") == "Wed, 30 Oct 2024 19:00:00 +0000"
    empty = parse_xml(files["feeds/tag/space.atom"])
    assert empty.findtext(f"{ATOM}updated") == "2000-01-01T00:00:00+00:00"


def test_a_republished_copy_carries_a_visible_credit_in_every_format() -> None:
    """The copy's content ends with 'Originally published by <publisher>: <link>'."""
    _, files = render_corpus()
    line = f'Originally published by U.S. Department of Defense: <a href="{ALLIANCE_URL}">'
    atom = _entry(files, "feeds/source/deftech.atom", "Stronger Together")
    assert line in atom.content[0].value
    rss = parse_xml(files["feeds/source/deftech.rss"]).find("channel/item")
    assert line in rss.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert line in rss.findtext("description")
    item = json.loads(files["feeds/source/deftech.json"])["items"][0]
    assert line in item["content_html"]


def test_a_republished_copy_carries_machine_readable_attribution() -> None:
    """RSS <source>, an Atom via link and the JSON extension all name the original."""
    _, files = render_corpus()
    rss_item = parse_xml(files["feeds/source/deftech.rss"]).find("channel/item")
    source = rss_item.find("source")
    assert (source.get("url"), source.text) == (ALLIANCE_URL, "U.S. Department of Defense")
    atom_entry = parse_xml(files["feeds/source/deftech.atom"]).find(f"{ATOM}entry")
    via = [link for link in atom_entry.findall(f"{ATOM}link") if link.get("rel") == "via"]
    assert [(link.get("href"), link.get("title")) for link in via] == [
        (ALLIANCE_URL, "U.S. Department of Defense")
    ]
    item = json.loads(files["feeds/source/deftech.json"])["items"][0]
    assert item["external_url"] == ALLIANCE_URL
    assert item["_syndicator"]["original"] == {
        "url": ALLIANCE_URL,
        "publisher": "U.S. Department of Defense",
    }


def test_an_original_names_where_else_it_was_published() -> None:
    """The original credits itself visibly and lists its other appearances as related links."""
    _, files = render_corpus()
    atom = _entry(files, "feeds/all.atom", "Defense Leaders")
    assert f'Also published by <a href="{COPY_URL}">Defence Tech Chronicle</a>.' in (
        atom.content[0].value
    )
    assert (
        f'Originally published by U.S. Department of Defense: <a href="{ALLIANCE_URL}">'
        in atom.content[0].value
    )
    assert not [link for link in atom.links if link.rel == "via"]  # no machine credit to itself
    related = [link.href for link in atom.links if link.rel == "related"]
    assert related == [COPY_URL]
    item = json.loads(files["feeds/all.json"])["items"][0]
    assert item["_syndicator"]["appearances"][0]["url"] == COPY_URL


def test_an_article_is_not_credited_to_itself() -> None:
    """An original_url naming the item's own page gives no machine-readable credit to itself.

    The visible line still names the publisher, with the page's own clean link.
    """
    config = corpus_config()
    alliance = corpus_articles()["alliance"]
    own = dataclasses.replace(
        alliance.article, original_url=ALLIANCE_URL + "?utm_campaign=x", original_publisher="DoD"
    )
    files = render_outputs(config, {Channel("all"): [dataclasses.replace(alliance, article=own)]})
    assert b'rel="via"' not in files["feeds/all.atom"]
    content = _parse(files, "feeds/all.atom").entries[0].content[0].value
    assert f'Originally published by DoD: <a href="{ALLIANCE_URL}">' in content
    assert "utm_campaign" not in content


def test_summary_sources_publish_headline_excerpt_and_link_only() -> None:
    """A `publish: summary` source never has its body in any output."""
    _, files = render_corpus()
    for path, data in files.items():
        assert PAYWALL_MARKER.encode() not in data, path
    entry = _entry(files, "feeds/source/defense-weekly.atom", "Navy Completes")
    assert "content" not in entry
    assert "hypersonic glide body" in entry.summary
    assert entry.link == "https://weekly.example.net/2024/10/29/glide-body-test"
    item = json.loads(files["feeds/source/defense-weekly.json"])["items"][0]
    assert item["_syndicator"]["publish"] == "summary"
    assert PAYWALL_MARKER not in item["content_html"]


def test_an_article_from_a_source_no_longer_configured_is_summarised() -> None:
    """Without its source's say-so, an article is published as a summary, not in full."""
    _, files = render_corpus()
    entry = _entry(files, "feeds/all.atom", "Farewell")
    assert "content" not in entry
    assert entry.author == "retired-blog"


def test_hostile_markup_is_gone_from_every_format() -> None:
    """Scripts, styles, frames, forms, event handlers and script URLs never reach a feed."""
    _, files = render_corpus()
    html = _entry(files, "feeds/source/deftech.atom", "Stronger Together").content[0].value
    json_html = json.loads(files["feeds/source/deftech.json"])["items"][0]["content_html"]
    for content in (html, json_html):
        for banned in ("<script", "<style", "<iframe", "<form", "<input", "<button", "onclick"):
            assert banned not in content
        assert "style=" not in content and "javascript:" not in content
        assert "at the annual meeting" in content.lower()


def test_relative_urls_in_content_become_absolute() -> None:
    """Links, images and srcset candidates resolve against the article's own URL."""
    _, files = render_corpus()
    entry = parse_xml(files["feeds/source/deftech.atom"]).find(f"{ATOM}entry")
    html = entry.findtext(f"{ATOM}content")
    assert 'href="https://deftech.example.com/2024/10/related/"' in html
    assert 'src="https://deftech.example.com/2024/10/stronger-together-alliance/img/chart.png"' in (
        html
    )
    assert "https://deftech.example.com/img/chart@2x.png 2x" in html


def test_characters_xml_forbids_or_readers_garble_are_removed() -> None:
    """Vertical tabs, C1 controls and U+FFFD from a mis-decoded page do not reach the feeds."""
    _, files = render_corpus()
    for path in ("feeds/source/deftech.rss", "feeds/source/deftech.atom"):
        text = files[path].decode("utf-8")
        for bad in ("\x0b", "\x92", "\ufffd"):
            assert bad not in text, (path, bad)


def test_titles_are_plain_text_with_entities_decoded() -> None:
    """An escaped, tagged title becomes plain text in every format."""
    _, files = render_corpus()
    expected = "Stronger Together: U.S. & South Korea Pledge Unbreakable Security"
    assert _entry(files, "feeds/source/deftech.rss", "Stronger").title == expected
    assert _entry(files, "feeds/source/deftech.atom", "Stronger").title == expected
    assert json.loads(files["feeds/source/deftech.json"])["items"][0]["title"] == expected
    assert b"<title>Stronger Together: U.S. &amp; South Korea" in files["feeds/source/deftech.rss"]


def test_tracking_parameters_are_dropped_from_item_links() -> None:
    """utm_* parameters are removed from the item link; meaningful ones stay."""
    _, files = render_corpus()
    entry = _entry(files, "feeds/source/deftech.atom", "Stronger")
    assert entry.link == COPY_URL + "?ref=home"


def test_every_item_has_an_author() -> None:
    """The article's author, else the original publisher, else the source's name."""
    _, files = render_corpus()
    authors = {entry.title[:8]: entry.author for entry in _parse(files, "feeds/all.atom").entries}
    assert authors["Defense "] == "Defense Desk Staff Writer"
    assert authors["Drone Ma"] == "Defence Tech Chronicle"
    copy = _entry(files, "feeds/source/deftech.atom", "Stronger")
    assert copy.author == "U.S. Department of Defense"
    rss_item = parse_xml(files["feeds/all.rss"]).find("channel/item")
    assert rss_item.findtext("{http://purl.org/dc/elements/1.1/}creator") == (
        "Defense Desk Staff Writer"
    )
    assert rss_item.find("author") is None  # RSS <author> must be an e-mail address


def test_feeds_link_to_themselves_and_to_the_site_page() -> None:
    """Self links equal the served URL; the RSS channel <link> points at the index page."""
    _, files = render_corpus()
    rss = parse_xml(files["feeds/source/deftech.rss"]).find("channel")
    assert rss.findtext("link") == BASE_URL + "index.html#source-deftech"
    self_link = rss.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == BASE_URL + "feeds/source/deftech.rss"
    atom = parse_xml(files["feeds/tag/naval.atom"])
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links == {
        "self": BASE_URL + "feeds/tag/naval.atom",
        "alternate": BASE_URL + "index.html#tag-naval",
    }
    assert atom.findtext(f"{ATOM}id") == BASE_URL + "feeds/tag/naval.atom"
    feed = json.loads(files["feeds/all.json"])
    assert (feed["feed_url"], feed["home_page_url"]) == (
        BASE_URL + "feeds/all.json",
        BASE_URL + "index.html",
    )


def test_combined_feed_entries_carry_a_complete_atom_source() -> None:
    """Entries copied from a source feed describe it with id, title, updated and self link."""
    _, files = render_corpus()
    entry = parse_xml(files["feeds/all.atom"]).find(f"{ATOM}entry")
    source = entry.find(f"{ATOM}source")
    assert source.findtext(f"{ATOM}id") == BASE_URL + "feeds/source/dod-news.atom"
    assert source.findtext(f"{ATOM}title") == "U.S. Department of Defense News · Defense Desk"
    assert source.findtext(f"{ATOM}updated") == "2024-10-30T19:00:00+00:00"
    self_link = source.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == BASE_URL + "feeds/source/dod-news.atom"
    own_feed = parse_xml(files["feeds/source/dod-news.atom"])
    assert own_feed.find(f"{ATOM}entry/{ATOM}source") is None


def test_base_url_with_a_path_prefixes_every_url() -> None:
    """A site served below a path gets self links, ids and OPML URLs below that path."""
    _, files = render_corpus(corpus_config("https://example.org/defense/"))
    atom = parse_xml(files["feeds/all.atom"])
    assert atom.findtext(f"{ATOM}id") == "https://example.org/defense/feeds/all.atom"
    opml = parse_xml(files["feeds.opml"])
    urls = [outline.get("xmlUrl") for outline in opml.iter("outline") if outline.get("xmlUrl")]
    assert all(url.startswith("https://example.org/defense/feeds/") for url in urls)


def test_opml_lists_every_channel_once_by_its_rss_feed() -> None:
    """feeds.opml has one rss outline per channel, grouped under Sources and Tags."""
    config, files = render_corpus()
    opml = parse_xml(files["feeds.opml"])
    feeds = [o for o in opml.iter("outline") if o.get("type") == "rss"]
    assert [o.get("xmlUrl") for o in feeds] == [
        BASE_URL + f"feeds/{channel.slug}.rss" for channel in channels_for(config)
    ]
    folders = [o.get("text") for o in opml.find("body") if o.get("type") is None]
    assert folders == ["Sources", "Tags"]
    dod = next(o for o in feeds if o.get("xmlUrl").endswith("dod-news.rss"))
    assert dod.get("htmlUrl") == "https://www.war.gov/News/"


def test_an_article_is_the_same_item_in_every_channel() -> None:
    """An article in several channels is published identically in each of them."""
    config = corpus_config()
    documents = build_documents(config, corpus_feeds(config))
    alliance = [
        entry.item
        for document in documents
        for entry in document.entries
        if entry.item.article_id == "a11a9ce0000000000000000a"
    ]
    assert len(alliance) >= 3
    assert all(item == alliance[0] for item in alliance)


def test_changed_feed_urls_maps_changed_feed_files_to_public_urls() -> None:
    """Only feed files are announced, at their public URLs."""
    config = corpus_config("https://example.org/")
    changed = ("feeds/all.rss", "feeds/tag/naval.atom", "index.html", "feeds.opml", "style.css")
    assert changed_feed_urls(config, changed) == [
        "https://example.org/feeds/all.rss",
        "https://example.org/feeds/tag/naval.atom",
    ]


def test_item_ids_are_stable_uuid_urns() -> None:
    """The same article id always maps to the same urn:uuid, distinct ids to distinct ones."""
    assert item_id("abc") == item_id("abc")
    assert item_id("abc") != item_id("abd")
    assert item_id("abc").startswith("urn:uuid:")


def test_an_item_without_title_falls_back_to_its_excerpt() -> None:
    """An empty title is replaced by the start of the text, never published blank."""
    config = corpus_config()
    stored = corpus_articles()["undated"]
    untitled = StoredArticle(
        dataclasses.replace(stored.article, title="  "),
        stored.source_id,
        stored.first_seen,
        stored.changed_at,
        stored.story_id,
    )
    files = render_outputs(config, {Channel("all"): [untitled]})
    assert _parse(files, "feeds/all.rss").entries[0].title.startswith("Small drone makers")


def test_content_with_nothing_left_after_cleaning_falls_back_to_the_summary() -> None:
    """A body that cleans down to nothing publishes the excerpt and link instead."""
    config = corpus_config()
    stored = corpus_articles()["undated"]
    empty_body = Article(
        id=stored.article.id,
        url=stored.article.url,
        title="Only a script",
        content_html="<script>alert(1)</script>",
        content_text="",
        summary="A short excerpt survives.",
    )
    files = render_outputs(
        config, {Channel("all"): [dataclasses.replace(stored, article=empty_body)]}
    )
    entry = _parse(files, "feeds/all.atom").entries[0]
    assert "content" not in entry
    assert entry.summary.startswith(
        "<p>A short excerpt survives.</p><p><em>Originally published by"
    )
    assert "alert" not in entry.summary


def test_the_original_is_credited_once_not_again_among_appearances() -> None:
    """A copy whose appearances include the original lists only the other places."""
    config = corpus_config()
    copy = corpus_articles()["alliance_copy"]
    elsewhere = "https://weekly.example.net/2024/10/alliance"
    copy = dataclasses.replace(
        copy,
        appearances=(
            Appearance("dod-news", "U.S. Department of Defense News", ALLIANCE_URL),
            Appearance("defense-weekly", "Defense Weekly (subscribers)", elsewhere),
        ),
    )
    files = render_outputs(config, {Channel("source", "deftech"): [copy]})
    html = json.loads(files["feeds/source/deftech.json"])["items"][0]["content_html"]
    assert html.count(ALLIANCE_URL) == 2  # the credit line's link and its text
    assert f'Also published by <a href="{elsewhere}">Defense Weekly (subscribers)</a>.' in html


def test_messy_urls_are_made_valid_and_unusable_ones_dropped() -> None:
    """Spaces, control characters and non-ASCII in URLs are escaped (an IDN host becomes
    punycode); an article with no http(s) link is left out rather than break the feed."""
    config = corpus_config()
    copy = corpus_articles()["alliance_copy"]
    messy = dataclasses.replace(
        copy.article,
        url="https://deftech.example.com/2024/10/ally talks\x0b/",
        original_url="https://bücher.example/Nachricht über Bündnis",
    )
    unusable = dataclasses.replace(
        corpus_articles()["undated"].article, url="ftp://files.example.com/story"
    )
    stored = [
        dataclasses.replace(copy, article=messy),
        dataclasses.replace(corpus_articles()["undated"], article=unusable),
    ]
    files = render_outputs(config, {Channel("source", "deftech"): stored})
    for path in (
        "feeds/source/deftech.rss",
        "feeds/source/deftech.atom",
        "feeds/source/deftech.json",
    ):
        assert_valid(path, files[path], base_url=BASE_URL)
    entries = _parse(files, "feeds/source/deftech.atom").entries
    assert [entry.link for entry in entries] == [
        "https://deftech.example.com/2024/10/ally%20talks/"
    ]
    via = next(link.href for link in entries[0].links if link.rel == "via")
    assert via == "https://xn--bcher-kva.example/Nachricht%20%C3%BCber%20B%C3%BCndnis"


def test_iter_outputs_reads_each_channel_once_and_matches_render_outputs() -> None:
    """Streaming rendering asks for each channel once and gives the same files, in a safe order."""
    from syndicator.publish import iter_outputs

    config = corpus_config()
    feeds = corpus_feeds(config)
    by_slug = {channel.slug: list(items) for channel, items in feeds.items()}
    asked: list[str] = []

    def articles(channel: Channel) -> list[StoredArticle]:
        asked.append(channel.slug)
        return by_slug.get(channel.slug, [])

    pairs = list(iter_outputs(config, articles))
    assert sorted(asked) == sorted({c.slug for c in channels_for(config)})
    assert len(asked) == len(set(asked))
    assert dict(pairs) == render_outputs(config, feeds)
    order = [path for path, _ in pairs]
    assert order.index("index.html") > max(order.index(p) for p in order if p.startswith("feeds/"))
    assert order.index("style.css") < order.index("index.html")
