"""Lazy images, absolute URLs, tracker removal, plain text and summaries."""

from __future__ import annotations

import lxml.html
import pytest

from syndicator.clean import (
    absolutize_links,
    best_from_srcset,
    html_to_text,
    is_tracker_url,
    remove_trackers,
    resolve_lazy_images,
    summarize,
)

BASE = "https://news.example/2025/11/story/"


def fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def html_of(el: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(el, encoding="unicode")


@pytest.mark.parametrize(
    ("img", "expected"),
    [
        ('<img src="data:image/gif;base64,R0lGOD" data-src="/a.jpg">', "/a.jpg"),
        ('<img data-lazy-src="/b.jpg">', "/b.jpg"),
        ('<img src="/img/blank.gif" data-original="/c.jpg">', "/c.jpg"),
        ('<img data-srcset="/s.jpg 300w, /l.jpg 1200w">', "/l.jpg"),
        ('<img srcset="/x1.jpg 1x, /x2.jpg 2x">', "/x2.jpg"),
        ('<img src="/real.jpg" data-src="/other.jpg">', "/real.jpg"),
    ],
)
def test_lazy_images_get_their_real_src(img: str, expected: str) -> None:
    """Placeholders and missing sources are replaced by the lazy-loading attribute."""
    root = fragment(img)
    resolve_lazy_images(root)
    (found,) = root.iter("img")
    assert found.get("src") == expected
    assert not {"data-src", "data-srcset", "srcset", "data-lazy-src"} & set(found.attrib)


def test_picture_sources_fill_an_empty_img_and_the_picture_is_unwrapped() -> None:
    """A <picture> without an img src takes the largest <source> and leaves a plain img."""
    root = fragment(
        '<picture><source srcset="/p-small.webp 480w, /p-big.webp 1600w"><img alt="P"></picture>'
    )
    resolve_lazy_images(root)
    assert html_of(root) == '<div><img alt="P" src="/p-big.webp"></div>'


def test_images_without_any_source_are_removed_keeping_text() -> None:
    """An image with no usable source goes, and the text after it stays."""
    root = fragment('<p>before<img src="data:image/gif;base64,AAA">after</p>')
    resolve_lazy_images(root)
    assert html_of(root) == "<div><p>beforeafter</p></div>"


def test_srcset_parsing_picks_the_widest_candidate() -> None:
    """`best_from_srcset` compares w and x descriptors and tolerates odd spacing."""
    assert best_from_srcset("a.jpg 480w,b.jpg 1080w") == "b.jpg"
    assert best_from_srcset("https://c.example/w_300,h_200/i.jpg 300w, z.jpg 100w") == (
        "https://c.example/w_300,h_200/i.jpg"
    )
    assert best_from_srcset("a.jpg 480w, b.jpg 1080w, c.jpg 720w") == "b.jpg"
    assert best_from_srcset("only.jpg") == "only.jpg"
    assert best_from_srcset("   ") is None


def test_links_and_images_are_made_absolute_and_untracked() -> None:
    """Relative href/src resolve against the page; utm_* and fbclid are dropped."""
    root = fragment(
        '<a href="../other/?utm_source=x&amp;id=7&amp;fbclid=abc">o</a>'
        '<img src="/media/a.jpg"><a href="https://elsewhere.example/p">e</a>'
        '<blockquote cite="/source">q</blockquote>'
    )
    absolutize_links(root, BASE)
    anchors = [a.get("href") for a in root.iter("a")]
    assert anchors == ["https://news.example/2025/11/other/?id=7", "https://elsewhere.example/p"]
    assert root.find(".//img").get("src") == "https://news.example/media/a.jpg"
    assert root.find(".//blockquote").get("cite") == "https://news.example/source"


def test_script_urls_and_in_page_anchors_lose_their_href() -> None:
    """javascript: links and #fragments have nothing to point at in a feed."""
    root = fragment('<a href="javascript:void(0)">j</a><a href="#top">t</a>')
    absolutize_links(root, BASE)
    assert all(a.get("href") is None for a in root.iter("a"))
    assert root.text_content() == "jt"


def test_tracking_pixels_and_tracker_hosts_are_removed() -> None:
    """1x1 images and images/empty links on ad or analytics hosts are removed."""
    root = fragment(
        '<p>a<img src="https://news.example/p.gif" width="1" height="1">b</p>'
        '<img src="https://pixel.quantserve.com/pixel/p-1.gif">'
        '<a href="https://ad.doubleclick.net/click"><img src="https://ad.doubleclick.net/x.gif"></a>'
        '<img src="https://news.example/photo.jpg" width="640" height="360">'
    )
    remove_trackers(root)
    out = html_of(root)
    assert "p.gif" not in out and "quantserve" not in out and "doubleclick" not in out
    assert "photo.jpg" in out and "<p>ab</p>" in out


def test_tracker_url_detection_covers_subdomains_and_pixel_paths() -> None:
    """Subdomains of tracker hosts and feed-proxy pixel paths count as trackers."""
    assert is_tracker_url("https://sb.scorecardresearch.com/p?c1=2")
    assert is_tracker_url("https://feeds.example.com/~r/news/~4/abc")
    assert not is_tracker_url("https://media.defense.gov/2025/Nov/14/photo.jpg")


def test_html_to_text_separates_blocks_and_keeps_inline_runs_together() -> None:
    """Blocks become paragraphs, <br> a line break, list items "- " lines."""
    text = html_to_text(
        "<h2>Head</h2><p>One <b>bold</b>\n  word.</p><p>Line<br>break</p>"
        "<ul><li>first</li><li>second</li></ul><pre>a\n  b</pre>"
    )
    assert text == "Head\n\nOne bold word.\n\nLine\nbreak\n\n- first\n- second\n\na\nb"


def test_html_to_text_can_skip_elements_but_keeps_their_tail() -> None:
    """Skipped elements (captions) vanish while the text after them remains."""
    root = fragment("<p>a<span class='c'>caption</span>b</p>")
    assert html_to_text(root, skip=lambda el: el.get("class") == "c") == "ab"


def test_html_to_text_survives_deep_nesting() -> None:
    """Thousands of nested elements do not hit the recursion limit."""
    html = "<div>" * 1500 + "deep" + "</div>" * 1500
    assert html_to_text(html) == "deep"


def test_summary_cuts_at_a_sentence_or_word_boundary() -> None:
    """Excerpts end on a sentence when one ends late enough, else on a word with …."""
    sentences = "The first sentence is here. " * 30
    summary = summarize(sentences, 100)
    assert summary.endswith(".") and len(summary) <= 100
    words = "word " * 200
    cut = summarize(words, 50)
    assert cut.endswith("…") and len(cut) <= 51 and "wor…" not in cut
    assert summarize("short text", 400) == "short text"
