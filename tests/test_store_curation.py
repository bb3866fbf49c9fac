"""Editors' decisions in the store: hide, pin, tag, the log, search and topic feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_store import T0
from test_store import article as stored_article

from syndicator.models import Article, Channel, Prepared, Source, TopicFeed
from syndicator.store import Store

LATER = T0 + timedelta(hours=1)


def article(id: str, url: str, **changes: object) -> Article:
    """test_store's article, dated (the channels order by date)."""
    return stored_article(id, url, **{"published": T0, **changes})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "test.db")
    opened.sync_sources(
        [Source("dod", "DoD", "https://www.war.gov/rss"), Source("rep", "Rep", "https://r/x")], T0
    )
    yield opened  # type: ignore[misc]
    opened.close()


def save(store: Store, source: str, item: Article, at: datetime = T0) -> str:
    return store.save_article(source, Prepared(item), at).outcome


def ids(items: list) -> list[str]:  # type: ignore[type-arg]
    return [item.article.id for item in items]


def test_a_hidden_article_stays_hidden_when_it_changes_upstream(store: Store) -> None:
    """A re-fetch with new text updates the article but never shows it again."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    assert store.curate("a", "hide", at=LATER, reason="off topic") == "changed"
    changed = article("a", "https://www.war.gov/a", content_text="New text", content_hash="h2")
    assert save(store, "dod", changed, at=LATER) == "updated"
    assert store.article("a").hidden  # type: ignore[union-attr]
    assert ids(store.recent(Channel("all"), 10)) == []
    assert ids(store.recent(Channel("source", "dod"), 10)) == []
    assert store.digest_stories(T0 - timedelta(days=1), T0 + timedelta(days=1), limit=10) == ([], 0)


def test_curation_is_logged_only_when_it_changes_something(store: Store) -> None:
    """Each change is one log row with its time and reason; a repeat changes nothing."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    version = store.content_version()
    assert store.curate("a", "pin", at=LATER, reason="lead story") == "changed"
    assert store.curate("a", "pin", at=LATER, reason="again") == "unchanged"
    assert store.curate("missing", "hide", at=LATER) == "unknown"
    assert store.content_version() == version + 1
    (record,) = store.history("a")
    assert (record.at, record.action, record.reason) == (LATER, "pin", "lead story")


def test_pinned_items_come_first_in_every_channel_they_belong_to(store: Store) -> None:
    """A pinned article leads its source, tag and combined feeds despite its older date."""
    save(store, "dod", article("old", "https://www.war.gov/o", published=T0 - timedelta(days=9)))
    save(store, "dod", article("new", "https://www.war.gov/n"))
    store.curate("old", "pin", at=LATER)
    for channel in (Channel("all"), Channel("source", "dod"), Channel("tag", "dod")):
        items = store.recent(channel, 10)
        assert ids(items) == ["old", "new"], channel
        assert items[0].pinned_at == LATER
    store.curate("old", "unpin", at=LATER)
    assert ids(store.recent(Channel("all"), 10)) == ["new", "old"]


def test_pinning_a_copy_pins_its_story(store: Store) -> None:
    """The combined feed shows the original, pinned because the editor pinned the copy."""
    save(store, "dod", article("o", "https://www.war.gov/1", published=T0 - timedelta(days=3)))
    copy = article("c", "https://r/copy", original_url="https://www.war.gov/1")
    save(store, "rep", copy)
    save(store, "dod", article("n", "https://www.war.gov/n"))
    store.curate("c", "pin", at=LATER)
    assert ids(store.recent(Channel("all"), 10)) == ["o", "n"]


def test_tag_edits_survive_a_refetch(store: Store) -> None:
    """Added and removed tags hold when the source writes its own tags again."""
    save(store, "dod", article("a", "https://www.war.gov/a", tags=("dod", "official")))
    tags = store.edit_tags("a", ["korea"], ["official"], at=LATER, reason="topic")
    assert tags == ("dod", "korea")
    refetched = article("a", "https://www.war.gov/a", tags=("dod", "official"), content_hash="h2")
    assert save(store, "dod", refetched, at=LATER) == "updated"
    assert store.article_tags("a") == ("dod", "korea")
    assert ids(store.recent(Channel("tag", "korea"), 10)) == ["a"]
    assert ids(store.recent(Channel("tag", "official"), 10)) == []
    assert store.edit_tags("a", ["official"], [], at=LATER) == ("dod", "korea", "official")
    assert [r.detail for r in store.history("a")] == ["+korea -official", "+official"]


def test_a_copy_of_a_hidden_story_arrives_hidden(store: Store) -> None:
    """A later fetch cannot bring a hidden story back through another site's copy."""
    save(store, "dod", article("o", "https://www.war.gov/1"))
    store.curate("o", "hide", at=LATER)
    copy = article("c", "https://r/copy", original_url="https://www.war.gov/1")
    save(store, "rep", copy, at=LATER)
    assert store.article("c").hidden  # type: ignore[union-attr]
    assert ids(store.recent(Channel("source", "rep"), 10)) == []
    (record,) = store.history("c")
    assert record.action == "hide" and "hidden" in record.reason


def test_a_pruned_article_found_again_keeps_the_editors_decisions(store: Store) -> None:
    """Deleted (pruned) and fetched anew, an article is hidden and tagged as before."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    store.curate("a", "hide", at=LATER)
    store.edit_tags("a", ["korea"], [], at=LATER)
    store.db.execute("delete from entries where article_id = 'a'")
    store.db.execute("delete from stories where id = 'a'")
    store.db.execute("delete from story_signatures where article_id = 'a'")
    store.db.execute("delete from articles where id = 'a'")
    assert save(store, "dod", article("a", "https://www.war.gov/a"), at=LATER) == "new"
    found = store.article("a")
    assert found is not None and found.hidden
    assert found.article.tags == ("dod", "korea")


def test_an_editors_unhide_outlives_a_prune_and_refetch(store: Store) -> None:
    """A copy the editor showed again, in a story whose other copy stays hidden, comes
    back shown when it is pruned and fetched anew: the editor's decision wins."""
    save(store, "dod", article("o", "https://www.war.gov/1"))
    store.curate("o", "hide", at=LATER)
    copy = article("c", "https://r/copy", original_url="https://www.war.gov/1")
    save(store, "rep", copy, at=LATER)
    assert store.article("c").hidden  # type: ignore[union-attr]
    assert store.curate("c", "unhide", at=LATER, reason="worth keeping") == "changed"
    for table, column in (("entries", "article_id"), ("story_signatures", "article_id")):
        store.db.execute(f"delete from {table} where {column} = 'c'")
    store.db.execute("delete from articles where id = 'c'")
    assert save(store, "rep", copy, at=LATER) == "new"
    assert not store.article("c").hidden  # type: ignore[union-attr]
    assert [r.action for r in store.history("c")] == ["hide", "unhide"]  # no second hide


def test_search_ranks_title_matches_first_with_snippets(store: Store) -> None:
    """FTS5 search weighs the headline above the text and shows where it matched."""
    save(store, "dod", article("t", "https://www.war.gov/t", title="Frigate deliveries"))
    body = "The frigate program " + "and more words " * 30
    save(store, "dod", article("x", "https://www.war.gov/x", content_text=body))
    hits = store.search_ranked("frigate")
    assert [hit.stored.article.id for hit in hits] == ["t", "x"]
    assert "[frigate]" in hits[1].snippet.lower()


def test_topic_stories_match_the_query_within_tags_and_a_window(store: Store) -> None:
    """A topic feed's stories: matching text, carrying a tag, dated in the window."""
    save(store, "dod", article("k", "https://www.war.gov/k", content_text="Talks in South Korea"))
    save(
        store,
        "rep",
        article("r", "https://r/k", content_text="Pyongyang again", tags=("industry",)),
    )
    old = article(
        "o", "https://www.war.gov/o", content_text="ROK drill", published=T0 - timedelta(days=30)
    )
    save(store, "dod", old)
    feed = TopicFeed("korea", "Korea", '"South Korea" OR ROK OR Pyongyang')
    assert ids(store.topic_stories(feed, 10)) == ["k", "r", "o"]
    assert ids(store.topic_stories(replace(feed, tags=("dod",)), 10)) == ["k", "o"]
    window = store.topic_stories(feed, 10, start=T0 - timedelta(days=1), end=LATER)
    assert ids(window) == ["k", "r"]
    channel = Channel("topic", "korea", "Korea", feed.query)
    store.curate("o", "pin", at=LATER)
    assert ids(store.recent(channel, 10)) == ["o", "k", "r"]


def test_find_articles_filters_by_source_tag_date_and_hidden(store: Store) -> None:
    """`articles list` filters, each alone and together."""
    save(store, "dod", article("a", "https://www.war.gov/a"))
    save(
        store,
        "rep",
        article("b", "https://r/b", tags=("industry",), published=T0 - timedelta(days=5)),
    )
    store.curate("a", "hide", at=LATER)
    assert ids(store.find_articles()) == ["b"]
    assert ids(store.find_articles(hidden=True)) == ["a"]
    assert ids(store.find_articles(source_id="rep", tag="industry")) == ["b"]
    assert ids(store.find_articles(since=T0 - timedelta(days=1))) == []
    assert store.article_counts(["dod", "rep", "none"]) == {"dod": 1, "rep": 1, "none": 0}


def test_the_full_text_index_stays_sound_through_curation(store: Store) -> None:
    """Hides, pins, tag edits and re-inserts leave the index whole (integrity-check passes)."""
    save(store, "dod", article("o", "https://www.war.gov/1", content_text="frigate news"))
    store.curate("o", "hide", at=LATER)
    store.curate("o", "pin", at=LATER)
    store.edit_tags("o", ["navy"], [], at=LATER)
    copy = article(
        "c", "https://r/copy", original_url="https://www.war.gov/1", content_text="frigate copy"
    )
    save(store, "rep", copy, at=LATER)
    store.db.execute("insert into articles_fts (articles_fts) values ('integrity-check')")
    assert [hit.stored.article.id for hit in store.search_ranked("frigate")] == ["c", "o"]


def test_with_more_pins_than_items_the_latest_pins_lead(store: Store) -> None:
    """A feed of two items with three pinned stories shows the two pinned last."""
    for n in range(3):
        save(store, "dod", article(f"p{n}", f"https://www.war.gov/p{n}"))
    for n, name in enumerate(("p1", "p0", "p2")):
        store.curate(name, "pin", at=LATER + timedelta(minutes=n))
    assert ids(store.recent(Channel("all"), 2)) == ["p2", "p0"]
    assert ids(store.recent(Channel("source", "dod"), 2)) == ["p2", "p0"]
