"""Finding the feeds a page offers, and naming a new source."""

from __future__ import annotations

from syndicator.autodiscovery import feed_candidates, page_title, suggest_id

PAGE = """<html><head><title> Army   News </title>
<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed/">
<link rel="alternate" type="application/atom+xml" title="News" href="/rss/news.xml">
<link rel="stylesheet" href="/site.css">
<link rel="alternate" type="text/html" href="/en/">
</head><body>
<a href="https://elsewhere.example/rss">Their RSS</a>
<a href="/feeds/">RSS feeds</a>
</body></html>"""


def test_candidates_come_best_first_and_once() -> None:
    """Advertised news feeds, then comment feeds, then feed links on the page, then the
    usual places; other sites' links and non-feed alternates are ignored."""
    found = feed_candidates(PAGE, "https://www.army.mil/news")
    urls = [c.url for c in found]
    assert urls[:3] == [
        "https://www.army.mil/rss/news.xml",
        "https://www.army.mil/comments/feed/",
        "https://www.army.mil/feeds/",
    ]
    assert [c.how for c in found[:3]] == ["autodiscovery", "autodiscovery", "link on the page"]
    assert found[0].title == "News"
    assert "https://www.army.mil/feed.xml" in urls and "https://www.army.mil/en/" not in urls
    assert not any("elsewhere" in url for url in urls)
    assert len(urls) == len(set(urls))


def test_garbage_gives_only_the_usual_places() -> None:
    """A page that is not HTML at all still yields the places feeds usually live."""
    found = feed_candidates(b"\x00\xff", "https://x.example/a/b")
    assert found and all(c.how == "usual place" for c in found)
    assert page_title("") is None


def test_ids_are_slugs_of_the_name_or_host_and_never_taken() -> None:
    """A free id from the name, else the host; numbered when taken."""
    assert page_title(PAGE) == "Army News"
    assert suggest_id("U.S. Army — News", "https://www.army.mil/", set()) == "u-s-army-news"
    assert suggest_id("", "https://www.army.mil/", {"army-mil"}) == "army-mil-2"
