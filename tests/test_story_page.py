"""Our ad-free copy of a story (`articles/<story id>.html`), which digests link to."""

from __future__ import annotations

from datetime import UTC, datetime

from digest_fixtures import SOURCES, article, stored

from syndicator.publish.story_page import render_story_page, story_page_path


def test_our_copy_of_a_story_is_sanitized_and_loads_nothing_remote() -> None:
    """The story page keeps the text, turns images into links, drops script, credits the original."""
    body = (
        '<p>Lead <a href="/rel">paragraph</a>.</p><script>alert(1)</script>'
        '<figure><img src="https://www.war.gov/photo.jpg" alt="Leaders walk"><figcaption>Caption</figcaption></figure>'
        '<p onclick="x()" style="color:red">Second.</p><iframe src="https://ads.example/"></iframe>'
    )
    copy = article(
        "s",
        datetime(2026, 3, 4, tzinfo=UTC),
        source="rep",
        content_html=body,
        original_url="https://www.war.gov/orig",
        original_publisher="U.S. Department of Defense",
    )
    page = render_story_page(
        stored(copy), SOURCES[1], site_title="Defense Wire", language="en", summary_chars=400
    )
    assert page is not None
    html = page.decode()
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "onclick" not in html and "color:red" not in html
    assert (
        '<a href="https://www.war.gov/photo.jpg" rel="noopener noreferrer">[Image: Leaders walk]</a>'
        in html
    )
    assert 'href="https://rep.example.com/rel"' in html  # made absolute
    assert '<link rel="canonical" href="https://www.war.gov/orig">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Originally published by" in html and "U.S. Department of Defense" in html
    assert "Caption" in html and "Second." in html


def test_a_summary_only_source_gets_no_copy_of_ours() -> None:
    """Excerpt-only (paywalled) sources are never republished in full, here either."""
    paid = stored(article("p", datetime(2026, 3, 4, tzinfo=UTC), source="paywall"))
    assert (
        render_story_page(paid, SOURCES[2], site_title="W", language="en", summary_chars=400)
        is None
    )


def test_story_page_paths_accept_only_safe_ids() -> None:
    """A story id becomes a file name only when it is one."""
    assert story_page_path("2f16c0386ae76834cd9fddb5") == "articles/2f16c0386ae76834cd9fddb5.html"
    assert story_page_path("../etc/passwd") is None and story_page_path("") is None
