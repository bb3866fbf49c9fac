"""A new version of a stored article may improve it, never degrade it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from syndicator.models import Article
from syndicator.revision import SHRINK_FROM_WORDS, revise

WHEN = datetime(2025, 11, 4, 22, 45, tzinfo=UTC)


def article(words: int, **changes: object) -> Article:
    text = " ".join(f"w{i}" for i in range(words))
    base = Article(
        "a1",
        "https://news.example.com/a",
        "Title",
        f"<p>{text}</p>",
        text,
        author="Jo Doe",
        published=WHEN,
        image="https://news.example.com/a.jpg",
        extracted_by="generic:density",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_partial_text_never_replaces_a_full_one() -> None:
    kept = revise(article(300), article(20, is_partial=True, extracted_by="feed"))
    assert kept.article is None and "partial" in kept.reason


def test_the_feed_text_never_replaces_a_partial_text_from_the_page() -> None:
    """A paywalled page's free part beats the feed's summary when the page later fails."""
    stored = article(120, is_partial=True, partial_reason="paywall")
    kept = revise(stored, article(30, is_partial=True, extracted_by="feed"))
    assert kept.article is None and "feed" in kept.reason


def test_a_body_that_collapses_is_taken_for_a_broken_extraction() -> None:
    kept = revise(article(SHRINK_FROM_WORDS * 4), article(20))
    assert kept.article is None
    assert (
        kept.reason
        == f"the page now gives 20 of {SHRINK_FROM_WORDS * 4} words; kept the stored text"
    )


def test_an_ordinary_edit_is_taken() -> None:
    new = article(290, title="Corrected title")
    assert revise(article(300), new).article == new


def test_a_full_page_improves_a_partial_fallback() -> None:
    stored = article(25, is_partial=True, extracted_by="feed")
    assert revise(stored, article(600)).article == article(600)


def test_fields_the_new_version_lacks_are_kept_from_the_store() -> None:
    stored = article(300, original_url="https://www.war.gov/x", original_publisher="DoD")
    new = article(300, author=None, published=None, image=None)
    taken = revise(stored, new).article
    assert taken is not None
    assert (taken.author, taken.published, taken.image) == ("Jo Doe", WHEN, stored.image)
    assert (taken.original_url, taken.original_publisher) == ("https://www.war.gov/x", "DoD")
