"""One story, one item: signatures, lookup keys, the matcher and the representative copy."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from itertools import permutations
from typing import Any

import pytest
import story_corpus
from story_corpus import MUST_MERGE_ON_TEXT, Pair

from syndicator.models import Article
from syndicator.stories import (
    BINS,
    SIGNATURE_VERSION,
    WORD_SKETCH,
    StorySignature,
    lookup_keys,
    match,
    representative,
    signature,
)

CORPUS = story_corpus.articles()
PAIRS = story_corpus.pairs()
DOD_SCM = CORPUS["scm-dod"].article
DOD_STORY = "https://www.defense.gov/News/Releases/Release/Article/3950001/joint-communique/"


def text_only(article: Article) -> StorySignature:
    """The signature with its URL evidence removed, so only the text can match."""
    return replace(signature(article), pages=(), original=None)


def article(text: str, url: str, **fields: Any) -> Article:
    title = str(fields.pop("title", "Allies meet in Washington"))
    return Article(id=url, url=url, title=title, content_html="", content_text=text, **fields)


# --- the corpus -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair", [p for p in PAIRS if not p.same or p.kind in MUST_MERGE_ON_TEXT], ids=lambda p: p.id
)
def test_corpus_pairs_on_text_alone(pair: Pair) -> None:
    """Copies, trimmed copies and light rewrites merge on text; different stories never do."""
    reason = match(text_only(pair.a.article), text_only(pair.b.article))
    assert (reason is not None) == pair.same, reason


@pytest.mark.parametrize("pair", [p for p in PAIRS if not p.same], ids=lambda p: p.id)
def test_corpus_different_stories_never_merge_with_urls_either(pair: Pair) -> None:
    """With their URLs too, different stories (same topic, templates) stay apart."""
    assert match(signature(pair.a.article), signature(pair.b.article)) is None


@pytest.mark.parametrize(
    "pair", [p for p in PAIRS if p.same and p.kind in MUST_MERGE_ON_TEXT], ids=lambda p: p.id
)
def test_corpus_copies_are_always_candidates(pair: Pair) -> None:
    """Every pair that must merge shares a lookup key, so the store finds it."""
    keys_a = set(lookup_keys(text_only(pair.a.article)))
    assert keys_a & set(lookup_keys(text_only(pair.b.article)))


def test_scm_and_two_plus_two_never_merge() -> None:
    """The SCM story and the next day's 2+2 story (same people, same words) stay two stories."""
    scm = [CORPUS[name].article for name in ("scm-dod", "scm-copy", "scm-rewrite")]
    two = [CORPUS[name].article for name in ("two-plus-two-dod", "two-plus-two-trimmed")]
    for a in scm:
        for b in two:
            assert match(signature(a), signature(b)) is None
            assert match(text_only(a), text_only(b)) is None


def test_heavy_rewrite_merges_through_its_credited_original() -> None:
    """A rewrite too heavy for the text matcher merges by the original it credits."""
    rewrite = CORPUS["scm-heavy-rewrite"].article
    assert match(text_only(DOD_SCM), text_only(rewrite)) is None
    reason = match(signature(DOD_SCM), signature(rewrite))
    assert reason is not None and reason.startswith("credits the other as its original")


# --- URL evidence ---------------------------------------------------------------------


def test_same_page_under_two_spellings() -> None:
    """One page reached with trackers and without `www.` is one story."""
    a = article(DOD_SCM.content_text, DOD_STORY + "?utm_source=rss")
    b = article(DOD_SCM.content_text, DOD_STORY.replace("www.defense.gov", "war.gov"))
    assert (match(signature(a), signature(b)) or "").startswith("same page")


def test_copy_crediting_the_other_is_one_story() -> None:
    """A copy whose original is the other article's page is one story with it."""
    original = article("Short original text.", DOD_STORY)
    copy = article(
        "A different telling.", "https://copy.example/2024/10/31/allies", original_url=DOD_STORY
    )
    assert (match(signature(copy), signature(original)) or "").startswith("credits the other")
    assert (match(signature(original), signature(copy)) or "").startswith("credits the other")


def test_two_copies_crediting_one_original_are_one_story() -> None:
    """Two republished copies that credit the same original story are one story."""
    a = article("One.", "https://a.example/2024/10/31/allies-meet", original_url=DOD_STORY)
    b = article("Two.", "https://b.example/news/12345", original_url=DOD_STORY + "?utm_medium=x")
    assert (match(signature(a), signature(b)) or "").startswith("both credit the original")


def test_credits_to_a_home_page_do_not_join_stories() -> None:
    """Two stories that both credit defense.gov's home page are not joined by it."""
    a = article(
        "One story.", "https://a.example/2024/10/31/one", original_url="https://www.defense.gov/"
    )
    b = article(
        "Another.", "https://b.example/2024/11/01/two", original_url="https://www.defense.gov/"
    )
    assert match(signature(a), signature(b)) is None
    assert not set(lookup_keys(signature(a))) & set(lookup_keys(signature(b)))


def test_canonical_on_another_site_acts_as_the_original() -> None:
    """A cross-site canonical names the original even without an attribution."""
    copy = article("Copy.", "https://copy.example/2024/10/31/allies", canonical_url=DOD_STORY)
    original = article("Original.", DOD_STORY)
    assert match(signature(copy), signature(original)) is not None


def test_shared_canonical_with_different_text_is_a_site_bug() -> None:
    """Two different stories whose pages share one canonical (a CMS bug) are not merged."""
    canonical = "https://site.example/2024/10/30/latest-story"
    a = replace(CORPUS["scm-dod"].article, url="https://site.example/a-1", canonical_url=canonical)
    b = replace(
        CORPUS["space-launch"].article, url="https://site.example/b-2", canonical_url=canonical
    )
    assert match(signature(a), signature(b)) is None


def test_two_pages_of_one_site_are_two_stories_whatever_their_text() -> None:
    """Identical text at two story URLs of one site (a weekly template) is two stories."""
    a = article(DOD_SCM.content_text, "https://www.defense.gov/News/Article/Article/3950001/")
    b = article(DOD_SCM.content_text, "https://www.war.gov/News/Article/Article/3950002/")
    assert match(signature(a), signature(b)) is None
    assert match(text_only(a), text_only(b)) == "identical text"


def test_a_copy_crediting_another_story_of_the_original_site_is_not_that_story() -> None:
    """A copy credited to one DoD story never merges with a different DoD story."""
    copy = article(
        DOD_SCM.content_text, "https://copy.example/2024/10/31/x", original_url=DOD_STORY
    )
    other = article(DOD_SCM.content_text, "https://www.war.gov/News/Article/Article/3999999/")
    assert match(signature(copy), signature(other)) is None


# --- text evidence --------------------------------------------------------------------


def test_numbers_that_disagree_keep_a_template_apart() -> None:
    """Two texts alike but for their dates, ages and unit numbers are different stories."""
    template = (
        "The Department of Defense announced today that Sgt. {name}, {age}, of Harlan, Texas, "
        "died on Oct. {day}, 2024, in a vehicle accident during training at Fort Harlan. The "
        "incident is under investigation. {name} was assigned to the {unit}th Engineer "
        "Battalion, 3rd Brigade, 1st Cavalry Division. For more information the media may "
        "contact the division public affairs office. The soldier's awards include the Army "
        "Achievement Medal, the National Defense Service Medal and the Army Service Ribbon."
    )
    a = article(template.format(name="Lee", age=24, day=3, unit=91), "https://a.example/x-1")
    b = article(template.format(name="Lee", age=31, day=9, unit=27), "https://b.example/y-2")
    assert match(signature(a), signature(b)) is None
    c = article(template.format(name="Lee", age=24, day=3, unit=91), "https://c.example/z-3")
    assert match(signature(a), signature(c)) == "identical text"


def test_identical_short_texts_prove_nothing() -> None:
    """Two identical placeholder texts ("subscribe to read") are not one story."""
    text = "This content is for subscribers only. Log in or subscribe to continue reading."
    a = article(text, "https://a.example/2024/10/30/one", title="Army buys drones")
    b = article(text, "https://b.example/2024/10/30/two", title="Army buys drones")
    assert match(signature(a), signature(b)) is None


def test_short_texts_also_need_agreeing_titles() -> None:
    """A short text match needs titles that agree; a long one does not."""
    text = " ".join(DOD_SCM.content_text.split()[:40])
    a = article(text, "https://a.example/one-1", title="Austin, Kim reaffirm alliance")
    b = article(text, "https://b.example/two-2", title="Austin and Kim reaffirm the alliance")
    c = article(text, "https://c.example/three-3", title="Cookie policy")
    assert match(signature(a), signature(b)) == "identical text"
    assert match(signature(a), signature(c)) is None


def test_an_excerpt_merges_with_the_full_story() -> None:
    """The opening paragraphs of a story (a feed summary) are one story with the full text."""
    paragraphs = DOD_SCM.content_text.split("\n\n")
    excerpt = article("\n\n".join([*paragraphs[:2], "Read more"]), "https://e.example/1-x")
    excerpt = replace(excerpt, title=DOD_SCM.title, is_partial=True)
    reason = match(signature(excerpt), signature(DOD_SCM))
    assert reason is not None and reason.startswith("opens as the other")
    assert set(lookup_keys(text_only(excerpt))) & set(lookup_keys(text_only(DOD_SCM)))


def test_an_excerpt_under_another_title_is_not_merged() -> None:
    """An excerpt needs the story's title too: an opening alone proves little."""
    paragraphs = DOD_SCM.content_text.split("\n\n")
    excerpt = article("\n\n".join(paragraphs[:2]), "https://e.example/2-y", title="Weekly wrap")
    assert match(signature(excerpt), signature(DOD_SCM)) is None


def test_the_opening_of_one_templated_release_is_not_an_excerpt_of_another() -> None:
    """Two readouts open alike; the opening of one is not an excerpt of the other."""
    one, two = CORPUS["readout-1"].article, CORPUS["readout-2"].article
    opening = " ".join(two.content_text.split()[:45])
    excerpt = replace(two, url="https://e.example/3-z", content_text=opening)
    assert match(text_only(excerpt), text_only(one)) is None


def test_empty_and_tiny_texts_do_not_crash_or_match() -> None:
    """Articles with no text give a signature, URL keys only, and no text match."""
    a = article("", "https://a.example/2024/10/30/empty")
    b = article("", "https://b.example/2024/10/30/empty")
    sig = signature(a)
    assert sig.shingle_sketch == () and sig.text_hash == ""
    assert lookup_keys(sig) == ("url:a.example/2024/10/30/empty",)
    assert match(sig, signature(b)) is None


# --- signatures -----------------------------------------------------------------------


def test_signature_text_round_trip() -> None:
    """to_text/from_text give back the same signature."""
    sig = signature(replace(DOD_SCM, original_url=DOD_STORY))
    assert len(sig.shingle_sketch) == BINS and len(sig.word_sketch) == WORD_SKETCH
    assert StorySignature.from_text(sig.to_text()) == sig
    empty = signature(article("", "https://a.example/"))
    assert StorySignature.from_text(empty.to_text()) == empty


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"v": 999}',
        signature(DOD_SCM).to_text().replace(f'"v":{SIGNATURE_VERSION}', '"v":0'),
        signature(DOD_SCM).to_text().replace('"pages":[', '"pages":[1,'),
        signature(DOD_SCM).to_text().replace('"shingles":', '"shingles":-'),
        signature(DOD_SCM).to_text().replace('"shingle_sketch":"', '"shingle_sketch":"AAAA'),
        signature(DOD_SCM).to_text().replace('"text":', '"title":[],"text":null,"x":'),
    ],
)
def test_from_text_rejects_anything_else(text: str) -> None:
    """Garbage, other versions and damaged fields raise ValueError, never a wrong signature."""
    with pytest.raises(ValueError, match="story signature"):
        StorySignature.from_text(text)


def test_signatures_do_not_depend_on_the_process() -> None:
    """Stored signatures stay comparable across runs (no per-process hash seeds)."""
    code = (
        "import sys; sys.path.insert(0, 'tests'); import story_corpus; "
        "from syndicator.stories import signature; "
        "print(signature(story_corpus.articles()['scm-dod'].article).to_text())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {signature(DOD_SCM).to_text()}


def test_lookup_keys_name_urls_text_and_bands() -> None:
    """Keys cover the page, the original, the exact text and every sketch band."""
    sig = signature(replace(DOD_SCM, original_url="https://www.army.mil/article/280001/x"))
    keys = lookup_keys(sig)
    assert keys[0].startswith("url:war.gov/news/news-stories/article/article/3950101")
    assert keys[1] == "url:army.mil/article/280001"
    assert keys[2].startswith("text:")
    assert sum(key.startswith("band") for key in keys) == BINS // 3
    assert len(set(keys)) == len(keys)


# --- representative -------------------------------------------------------------------


def when(day: int) -> datetime:
    return datetime(2024, 10, day, tzinfo=UTC)


def test_representative_is_the_original_when_we_have_it() -> None:
    """The credited original is published, even when a copy is longer and earlier."""
    copy = article(
        DOD_SCM.content_text + " More words.",
        "https://c.example/1",
        original_url=DOD_STORY,
        published=when(29),
    )
    original = article("Short original text.", DOD_STORY, published=when(30))
    assert representative([copy, original]) == 1


def test_representative_prefers_complete_then_earliest_copies() -> None:
    """Without an original: complete copies first, then the earliest; partial ones last."""
    long_text = DOD_SCM.content_text
    partial = article(long_text, "https://a.example/1", is_partial=True, published=when(1))
    short = article(long_text[: len(long_text) // 2], "https://b.example/2", published=when(2))
    late = article(long_text, "https://c.example/3", published=when(5))
    early = article(long_text + " Advertisement", "https://d.example/4", published=when(4))
    assert representative([partial, short, late, early]) == 3


def test_representative_does_not_depend_on_order() -> None:
    """The same group in any order yields the same article."""
    group = [
        article("Same text here.", f"https://site{i}.example/story-{i}", published=None)
        for i in range(3)
    ]
    chosen = {
        group_order[representative(group_order)].id
        for group_order in map(list, permutations(group))
    }
    assert len(chosen) == 1


def test_representative_needs_an_article() -> None:
    """An empty group is a caller's mistake, reported clearly."""
    with pytest.raises(ValueError, match="at least one"):
        representative([])
