"""URL identity, unwrapping, sites and story-URL detection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.urls import (
    absolutize,
    identity_key,
    looks_like_article,
    registered_host,
    same_site,
    site_of,
    stable_id,
    strip_tracking,
    unwrap,
)

DOD_STORY = "https://www.defense.gov/News/Releases/Release/Article/3950001/joint-communique/"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.com/story", "http://example.com/story/"),
        ("https://example.com/story?utm_source=x&utm_medium=y", "https://example.com/story"),
        ("https://example.com/story?b=2&a=1", "https://example.com/story?a=1&b=2"),
        ("https://example.com/story#comments", "https://example.com/story"),
        ("https://example.com:443/story", "https://example.com/story"),
        ("https://m.example.com/story", "https://example.com/story"),
        ("https://example.com/news/index.html", "https://example.com/news/"),
        ("https://example.com/story/amp/", "https://example.com/story"),
        ("https://example.com/story.amp.html", "https://example.com/story.html"),
        ("https://example.com/amp/story", "https://example.com/story"),
        ("https://example.com/story?outputType=amp", "https://example.com/story"),
        ("https://example.com/story;jsessionid=A1B2", "https://example.com/story"),
        ("https://example.com/%7Euser/a%2fb", "https://example.com/~user/a%2Fb"),
        ("https://example.com/story?fbclid=abc&gclid=def", "https://example.com/story"),
        (DOD_STORY, "https://www.war.gov/News/Releases/Release/Article/3950001/"),
        (DOD_STORY, "https://war.gov/news/releases/release/article/3950001/edited-headline"),
        (
            "https://www.army.mil/article/280001/soldiers_train_with_drones",
            "https://www.army.mil/article/280001/",
        ),
        (
            "https://www.dvidshub.net/news/480001/exercise-northern-anvil-begins",
            "https://www.dvidshub.net/news/480001",
        ),
        (
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/story",
            "https://example.com/story",
        ),
        ("https://www.google.com/amp/s/example.com/story", "https://example.com/story"),
        (
            "https://www.google.com/url?q=https://example.com/story&sa=D",
            "https://example.com/story",
        ),
        (
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fstory%3Futm_source%3Dfb",
            "https://example.com/story",
        ),
    ],
)
def test_identity_key_equates_spellings_of_one_page(a: str, b: str) -> None:
    """Two spellings of one page share an identity key."""
    assert identity_key(a) == identity_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/story-one", "https://example.com/story-two"),
        ("https://example.com/story?id=1", "https://example.com/story?id=2"),
        ("https://example.com:8080/story", "https://example.com/story"),
        ("https://news.example.com/story", "https://example.com/story"),
        (
            "https://www.war.gov/News/Releases/Release/Article/3950001/",
            "https://www.war.gov/News/Releases/Release/Article/3950002/",
        ),
        ("https://example.com/Story", "https://example.com/story"),
    ],
)
def test_identity_key_keeps_different_pages_apart(a: str, b: str) -> None:
    """Different pages (paths, story ids, ports, subdomains, case) keep different keys."""
    assert identity_key(a) != identity_key(b)


def test_identity_key_ignores_credentials_in_the_url() -> None:
    """User information in a URL never becomes part of its identity."""
    assert identity_key("https://user:secret@example.com/story") == "example.com/story"


def test_identity_key_survives_an_invalid_address() -> None:
    """A hostile URL with a broken IPv6 literal gives a key instead of raising."""
    assert identity_key("http://[::1/story") == "http://[::1/story"


def test_unwrap_stops_on_a_loop_of_wrappers() -> None:
    """A redirector that points at itself is unwrapped a bounded number of times."""
    wrapped = "https://www.google.com/url?q=https://www.google.com/url?q=https://example.com/x"
    assert unwrap(wrapped) == "https://example.com/x"
    loop = "https://www.google.com/url?q=https://www.google.com/url"
    assert unwrap(loop) == "https://www.google.com/url"


def test_unwrap_leaves_ordinary_urls_alone() -> None:
    """A URL that is not a wrapper comes back unchanged."""
    assert unwrap("https://example.com/url?q=https://other.example/") == (
        "https://example.com/url?q=https://other.example/"
    )


def test_registered_host_folds_mirrors_and_aliases() -> None:
    """Mirror prefixes and the defense.gov alias fold into one host name."""
    assert registered_host("https://WWW.Defense.gov./x") == "war.gov"
    assert registered_host("https://media.defense.gov/x") == "media.war.gov"
    assert registered_host("https://m.example.co.uk/x") == "example.co.uk"


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://news.bbc.co.uk/story", "bbc.co.uk"),
        ("https://home.army.mil/bragg/index.php/news", "army.mil"),
        ("https://www.defense.gov/News/", "war.gov"),
        ("https://someone.blogspot.com/post", "someone.blogspot.com"),
        ("http://127.0.0.1:8001/story", "127.0.0.1:8001"),
        ("http://localhost:9000/story", "localhost:9000"),
        ("http://[::1]:8002/story", "[::1]:8002"),
        ("not a url", ""),
    ],
)
def test_site_of_is_the_registrable_domain(url: str, site: str) -> None:
    """Sites follow the public suffix list; loopback servers on two ports are two sites."""
    assert site_of(url) == site


def test_same_site_across_subdomains_and_aliases() -> None:
    """Subdomains, mirrors and the defense.gov/war.gov alias are one site."""
    assert same_site("https://www.defense.gov/a", "https://media.war.gov/b")
    assert same_site("https://news.example.com/a", "https://example.com/b")
    assert not same_site("https://a.example.com/", "https://b.example.org/")
    assert not same_site("http://127.0.0.1:8001/", "http://127.0.0.1:8002/")
    assert not same_site("", "")


@pytest.mark.parametrize(
    "url",
    [
        DOD_STORY,
        "https://www.army.mil/article/280001/soldiers_train_with_drones",
        "https://example.com/2024/10/30/allies-meet-in-seoul",
        "https://example.com/?p=4312",
        "https://example.com/news/ministers-meet-in-washington",
        "https://example.com/story-12",
        "https://www.google.com/amp/s/example.com/2024/10/30/allies-meet",
    ],
)
def test_looks_like_article_accepts_story_urls(url: str) -> None:
    """URLs with an id, a date or a long slug name one story."""
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://www.defense.gov/",
        "https://www.defense.gov/News/Releases/",
        "https://www.defense.gov/News/News-Stories/",
        "https://example.com/tag/us-south-korea-alliance/",
        "https://example.com/category/defense-news-and-analysis",
        "https://example.com/2024/10/30/",
        "https://example.com/index.html",
        "mailto:editor@example.com",
        "ftp://example.com/2024/story-about-things",
    ],
)
def test_looks_like_article_rejects_sites_sections_and_listings(url: str | None) -> None:
    """Home pages, sections, tag and date listings and non-web URLs are not stories."""
    assert not looks_like_article(url)


def test_looks_like_article_for_a_page_we_fetched() -> None:
    """A fetched article's own short path counts; its site's home and listings still do not."""
    assert not looks_like_article("https://example.com/news/story")
    assert looks_like_article("https://example.com/news/story", known_page=True)
    for url in ("https://example.com/", "https://example.com/tag/x", "https://example.com/2024/"):
        assert not looks_like_article(url, known_page=True)


def test_strip_tracking_keeps_other_parameters_in_order() -> None:
    """Tracking parameters go; the others stay in their order."""
    url = "https://example.com/a?b=2&utm_source=x&a=1&_ga=3"
    assert strip_tracking(url) == "https://example.com/a?b=2&a=1"
    assert strip_tracking("https://example.com/a") == "https://example.com/a"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/news/story", "https://example.com/news/story"),
        ("//cdn.example.org/x", "https://cdn.example.org/x"),
        ("javascript:alert(1)", None),
        ("  DATA:text/html,x", None),
        ("", None),
        ("http://[::1", None),
        ("ftp://example.com/file", None),
    ],
)
def test_absolutize(href: str, expected: str | None) -> None:
    """Relative links resolve against the page; scripts, data and broken URLs give None."""
    assert absolutize(href, "https://example.com/base/page") == expected


def test_stable_id_prefers_url_then_guid_then_title() -> None:
    """The id comes from the URL identity, else the GUID, else title and date."""
    when = datetime(2024, 10, 30, tzinfo=UTC)
    by_url = stable_id(url="https://www.example.com/a/", guid="g", title="T", published=when)
    assert by_url == stable_id(url="http://example.com/a", guid=None, title="", published=None)
    by_guid = stable_id(url=None, guid=" g ", title="T", published=when)
    assert by_guid == stable_id(url=None, guid="g", title="other", published=None)
    by_title = stable_id(url=None, guid=None, title=" T ", published=when)
    assert by_title == stable_id(url=None, guid=None, title="t", published=when)
    assert len({by_url, by_guid, by_title}) == 3


def test_article_ids_are_frozen() -> None:
    """Published ids never change: these values must stay exactly as they are."""
    from datetime import UTC, datetime

    from syndicator.urls import stable_id

    dod = "https://www.defense.gov/News/Article/Article/123/story-slug/?utm_source=x"
    assert stable_id(url=dod, guid=None, title="", published=None) == "a6302c0339227579c7c63f98"
    war = "https://war.gov/News/Article/Article/123/story-slug"
    assert stable_id(url=war, guid=None, title="", published=None) == "a6302c0339227579c7c63f98"
    guid = "tag:army.mil,2025:1"
    assert stable_id(url=None, guid=guid, title="", published=None) == "ef29cde33def9b5dab25e42b"
    when = datetime(2025, 1, 1, tzinfo=UTC)
    assert (
        stable_id(url=None, guid=None, title="Title", published=when) == "25193a2118112a50603d4763"
    )


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://a.example:99999/", "http://[zz]/x?utm_source=1"]
)
def test_malformed_urls_never_raise(url: str) -> None:
    """Hostile URLs from feeds and pages pass through the helpers without an exception."""
    from syndicator.urls import absolutize, identity_key, registered_host, stable_id, strip_tracking

    strip_tracking(url)
    identity_key(url)
    registered_host(url)
    absolutize(url, "https://base.example/")
    assert stable_id(url=url, guid=None, title="", published=None)
