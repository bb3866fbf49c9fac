"""Titles, authors, dates and page metadata as a feed reader should show them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.html
import pytest

from syndicator import extract_article
from syndicator.extract import render_article
from syndicator.extract.dates import parse_date
from syndicator.extract.fields import clean_author, clean_authors, clean_title
from syndicator.extract.metadata import read_metadata


@pytest.mark.parametrize(
    ("raw", "site", "url", "expected"),
    [
        (
            "Esper Visits Hanoi | Defense News",
            None,
            "https://www.defensenews.com/a",
            "Esper Visits Hanoi",
        ),
        ("Esper Visits Hanoi - Defense News", "Defense News", None, "Esper Visits Hanoi"),
        ("Defense News: Esper Visits Hanoi", "Defense News", None, "Esper Visits Hanoi"),
        (
            "Guard Units Train | Article | The United States Army",
            "www.army.mil",
            "https://www.army.mil/article/1",
            "Guard Units Train",
        ),
        ("Radar Tests Resume - Again", "Defense News", None, "Radar Tests Resume - Again"),
        ("Fuel Exercise > U.S. Department of War > Story", None, None, "Fuel Exercise"),
        ("  Spaces   inside   ", None, None, "Spaces inside"),
    ],
)
def test_title_loses_site_name_decorations(
    raw: str, site: str | None, url: str | None, expected: str
) -> None:
    """Site-name prefixes and suffixes go; dashes that belong to the headline stay."""
    assert clean_title(raw, site_name=site, url=url) == expected


def test_title_prefers_the_pages_own_heading_when_the_title_decorates_it() -> None:
    """When the h1 is the core of a decorated <title>, the h1 is the headline."""
    assert clean_title("Breaking: Ship Launched - Site", site_name=None, url=None,
                       h1="Ship Launched") == "Ship Launched"  # fmt: skip


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By C. Todd Lopez, DOD News", "C. Todd Lopez"),
        ("By Jim Garamone and C. Todd Lopez, DOD News", "Jim Garamone and C. Todd Lopez"),
        (
            "By Staff Sgt. Lena Okafor, 116th Engineer Battalion Public Affairs",
            "Staff Sgt. Lena Okafor",
        ),
        ("BY JOHN SMITH | Associated Press", "John Smith"),
        ("Written by Ana María de la Cruz", "Ana María de la Cruz"),
        ("By Dan Lamothe Published Nov. 19, 2025", "Dan Lamothe"),
        ("Staff Reports", None),
        ("DOD News", None),
        ("https://www.facebook.com/someone", None),
        ("", None),
    ],
)
def test_author_is_the_people_named_in_a_byline(byline: str, expected: str | None) -> None:
    """ "By", unit/outlet suffixes and dates are removed; organisations are not authors."""
    assert clean_author(byline) == expected


def test_several_stated_authors_are_joined_once_each() -> None:
    """A list of authors (JSON-LD) becomes one "A, B and C" string without repeats."""
    assert clean_authors(["Ann Lee", "By Bob Ray, Reuters", "Ann Lee", "Cy Doe"]) == (
        "Ann Lee, Bob Ray and Cy Doe"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-11-14T16:05:00-05:00", datetime(2025, 11, 14, 21, 5, tzinfo=UTC)),
        ("2025-11-14T21:05:00Z", datetime(2025, 11, 14, 21, 5, tzinfo=UTC)),
        ("2025-11-14", datetime(2025, 11, 14, tzinfo=UTC)),
        ("2025-11-14T21:05:00.123+0000", datetime(2025, 11, 14, 21, 5, tzinfo=UTC)),
        ("Thu, 13 Nov 2025 14:20:00 GMT", datetime(2025, 11, 13, 14, 20, tzinfo=UTC)),
        ("Nov. 13, 2025 at 9:20 a.m. ET", datetime(2025, 11, 13, 14, 20, tzinfo=UTC)),
        ("Published November 13, 2025 3:05 PM EST", datetime(2025, 11, 13, 20, 5, tzinfo=UTC)),
        ("13 November 2025", datetime(2025, 11, 13, tzinfo=UTC)),
        ("22 de janeiro de 2018", None),
        ("2025/11/13", datetime(2025, 11, 13, tzinfo=UTC)),
        ("11/13/2025", datetime(2025, 11, 13, tzinfo=UTC)),
        ("not a date", None),
        ("2025-02-30", None),
        ("1970-01-01T00:00:00Z", None),
    ],
)
def test_dates_are_read_as_aware_utc(text: str, expected: datetime | None) -> None:
    """ISO 8601, RFC 822 and byline prose dates become UTC; nonsense becomes None."""
    assert parse_date(text) == expected


def test_dates_after_now_are_refused_when_a_clock_is_given() -> None:
    """A publish date far in the future is a page bug, not a date."""
    now = datetime(2025, 11, 30, tzinfo=UTC)
    assert parse_date("2031-01-01", now=now) is None
    assert parse_date("2025-11-29", now=now) == datetime(2025, 11, 29, tzinfo=UTC)


def test_metadata_prefers_json_ld_then_meta_then_markup() -> None:
    """JSON-LD article values win over meta tags, which win over visible markup."""
    root = lxml.html.document_fromstring(
        """<html lang="en_gb"><head>
        <meta property="og:title" content="OG title">
        <meta property="article:published_time" content="2024-01-02T03:04:05Z">
        <meta name="author" content="Meta Author">
        <script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "S"},
          {"@type": ["NewsArticle"], "headline": "LD headline", "author": [{"name": "Ld Author"}],
           "datePublished": "2024-05-06T07:08:09+02:00", "isAccessibleForFree": false,
           "image": {"url": "/lead.jpg"}, "publisher": {"name": "The Publisher"}}]}</script>
        <script type="application/ld+json">{ not json </script>
        </head><body><time datetime="2020-01-01">old</time></body></html>"""
    )
    meta = read_metadata(root, "https://example.org/story")
    assert meta.title == "OG title" and meta.headline == "LD headline"
    assert meta.authors == ("Ld Author",)
    assert meta.published == datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)
    assert meta.accessible_for_free is False
    assert meta.image == "https://example.org/lead.jpg"
    assert meta.publisher == "The Publisher"
    assert meta.language == "en-GB"


def test_visible_byline_and_time_are_used_when_the_head_is_silent() -> None:
    """Without head metadata, a byline element and a <time> element supply the values."""
    html = (
        "<html><body><article><h1>Plain Page Headline Here</h1>"
        "<span class='byline'>By Maria Chen, Staff Writer</span>"
        "<time datetime='2025-03-04T05:06:07Z'>March 4</time>"
        "<p>" + "A paragraph of ordinary article text that is long enough. " * 4 + "</p>"
        "</article></body></html>"
    )
    article = extract_article(html, "https://example.org/plain")
    assert article.author == "Maria Chen"
    assert article.published == datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert article.title == "Plain Page Headline Here"
    assert "By Maria Chen" not in article.content_text


def test_render_formats_show_the_same_article() -> None:
    """text, html and json renderings carry the title, credit and body; json round-trips."""
    html = (
        "<html><head><title>Ship Launched <script>x</script></title></head><body><article>"
        "<p>" + "The shipyard launched the first hull of the class on Monday. " * 3 + "</p>"
        "<p>To read original article please visit "
        "<a href='https://www.war.gov/News/Article/1/'>DoD website</a></p></article></body></html>"
    )
    article = extract_article(html, "https://copy.example/ship")
    text = render_article(article, "text")
    assert text.startswith("Ship Launched") and "Originally published by" in text
    page = render_article(article, "html")
    assert "<h1>Ship Launched &lt;script&gt;x&lt;/script&gt;</h1>" in page
    assert "<script>" not in page and "U.S. Department of Defense" in page
    data = json.loads(render_article(article, "json"))
    assert data["original_url"] == "https://www.war.gov/News/Article/1/"
    assert data["title"] == article.title and isinstance(data["images"], list)
    with pytest.raises(ValueError, match="unknown format"):
        render_article(article, "pdf")  # type: ignore[arg-type]


def test_dateline_at_the_top_of_the_body_dates_an_undated_page() -> None:
    """With no date in the head, the dateline above the story gives `published`."""
    html = (
        "<html><body><div class='story'><h1>Tanker Arrives</h1><p>Nov. 3, 2025 at 4:15 p.m. ET</p>"
        "<p>"
        + "The tanker arrived in port after a three-week crossing of the Atlantic. " * 3
        + "</p></div></body></html>"
    )
    article = extract_article(html, "https://example.org/tanker")
    assert article.published == datetime(2025, 11, 3, 21, 15, tzinfo=UTC)
    assert "4:15" not in article.content_text


def test_published_and_updated_stamps_leave_the_body_after_dating_it() -> None:
    """A "Published <date>" line at the top dates an undated page; that line and an
    "Updated at 1:23 p.m." further down are furniture, while a sentence that starts
    with "Published" stays."""
    story = "The tanker arrived in port after a three-week crossing of the Atlantic. " * 3
    html = (
        "<html><body><div class='story'><h1>Tanker Arrives</h1>"
        "<p>Published Nov. 3, 2025 at 9:05 a.m. ET</p>"
        f"<p>{story}</p><p>Updated at 1:23 p.m.</p><p>{story}</p>"
        "<p>Published in the port's own bulletin on May 3, 2025, the schedule lists two more "
        "tankers for the winter.</p><div>First Published: Monday, November 3, 2025 09:05 AM</div>"
        "</div></body></html>"
    )
    article = extract_article(html, "https://example.org/tanker")
    assert article.published == datetime(2025, 11, 3, 14, 5, tzinfo=UTC)
    text = article.content_text
    assert "9:05" not in text and "1:23" not in text and "First Published" not in text
    assert "Published in the port's own bulletin on May 3, 2025" in text
