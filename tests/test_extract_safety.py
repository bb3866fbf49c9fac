"""The parts that make the extractor hold on unfamiliar pages: chunk gathering,
the safety net, key/value metadata blocks and metered paragraphs."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html

from syndicator import extract_article
from syndicator.clean import html_to_text
from syndicator.extract import fallback
from syndicator.extract.chunks import gather_chunks
from syndicator.extract.fields import clean_title
from syndicator.extract.infoblocks import read_info_blocks
from syndicator.extract.measure import measure

SENTENCE = "The crew checked every valve on the line before the ship left the pier that morning. "


def _chunked_page() -> lxml.html.HtmlElement:
    chunks = "".join(
        f'<div class="grid"><div class="col"><div class="text"><p>Part {n}. {SENTENCE * 3}</p>'
        f'</div></div><div class="rail"><a href="/r{n}">Rail link {n}</a></div></div>'
        '<div class="ad-row"></div>'
        for n in range(3)
    )
    return lxml.html.document_fromstring(f"<html><body><main>{chunks}</main></body></html>")


def test_a_story_split_into_twin_chunks_is_put_back_together() -> None:
    """From one chunk, the same path under each twin wrapper is gathered, rails left out."""
    root = _chunked_page()
    first = root.find(".//div[@class='text']")
    gathered = gather_chunks(first, measure(root.find("body")))
    text = gathered.text_content()
    assert [f"Part {n}." in text for n in range(3)] == [True, True, True]
    assert "Rail link" not in text


def test_a_lone_container_is_left_as_it_is() -> None:
    """Without classed twins nothing is gathered."""
    root = lxml.html.document_fromstring(
        f"<html><body><div><div><p>{SENTENCE * 4}</p></div></div></body></html>"
    )
    only = root.find(".//p").getparent()
    assert gather_chunks(only, measure(root.find("body"))) is only


def test_safety_net_flags_empty_tiny_and_navigation_bodies_only() -> None:
    """Empty, tiny-beside-the-page and mostly-link bodies are suspect; a fair body is not."""
    assert fallback.suspect(fallback.Measure(0, 0, ""), 5000) == "empty"
    assert fallback.suspect(fallback.Measure(120, 0, "x"), 5000) == "short"
    assert fallback.suspect(fallback.Measure(900, 700, "x"), 5000) == "navigation"
    # A correct short story on a page with long comments is not second-guessed.
    assert fallback.suspect(fallback.Measure(1200, 0, "x"), 9000) is None


def test_safety_net_keeps_the_loose_body_only_when_it_grows_the_story() -> None:
    """Longer and still holding the first body's opening: taken; jumping elsewhere: not."""
    first = fallback.Measure(200, 0, "The opening of the story " * 8)
    grown = fallback.Measure(900, 50, first.text + " and the rest of it " * 30)
    elsewhere = fallback.Measure(900, 50, "Comments from readers " * 40)
    assert fallback.prefer_loose(first, grown)
    assert not fallback.prefer_loose(first, elsewhere)
    assert not fallback.prefer_loose(first, fallback.Measure(900, 800, grown.text))


def test_an_article_is_never_empty_when_its_paragraphs_sit_in_widget_boxes() -> None:
    """Every paragraph in a "widget" (a sidebar word) still yields the story."""
    widgets = "".join(f'<div class="widget"><p>{n}. {SENTENCE * 2}</p></div>' for n in range(5))
    html = f"<html><head><title>Valve Checks</title></head><body><div>{widgets}</div></body></html>"
    article = extract_article(html, "https://example.org/valves")
    assert "+fallback:" in article.extracted_by
    assert article.content_text.count("The crew checked every valve") == 10


def test_metadata_block_gives_the_posted_date_month_first_and_leaves_the_body() -> None:
    """ "Date Posted: 11.04.2024 21:37" is 4 November; the block is found by its keys."""
    root = lxml.html.document_fromstring(
        "<html><body><p>Story.</p><div><div>Date Taken: 11.03.2024</div>"
        "<div>Date Posted: 11.04.2024 21:37</div><div>Story ID: 1</div>"
        "<div>Location: KY, US</div></div></body></html>"
    )
    info = read_info_blocks(root)
    assert info.published == datetime(2024, 11, 4, 21, 37, tzinfo=UTC)
    assert len(info.elements) == 1 and "Story ID" in info.elements[0].text_content()


def test_a_specification_table_in_a_story_is_not_a_metadata_block() -> None:
    """ "Length:", "Size:" and "Location:" without a block-only key stay in the story."""
    root = lxml.html.document_fromstring(
        "<html><body><ul><li>Length: 24 m</li><li>Size: 60 t</li><li>Location: Bay</li>"
        "<li>Unit: 3rd Flotilla</li></ul></body></html>"
    )
    assert read_info_blocks(root).elements == ()


def test_metered_paragraphs_marked_paywall_stay_in_the_article() -> None:
    """A site that sends the whole story but marks paragraphs class=paywall keeps them."""
    paragraphs = "".join(f'<p class="paywall">{n}. {SENTENCE * 2}</p>' for n in range(6))
    html = (
        "<html><head><title>Metered Story About Valves</title></head><body><article>"
        f"<h1>Metered Story About Valves</h1>{paragraphs}</article></body></html>"
    )
    article = extract_article(html, "https://example.org/metered")
    assert article.content_text.count("The crew checked every valve") == 12
    assert not article.is_partial


def test_cells_and_list_items_holding_paragraphs_read_as_one_line() -> None:
    """<td><p>a</p></td><td><p>b</p></td> reads "a b"; <li><p>x</p></li> reads "- x"."""
    html = (
        "<table><tr><td><p>--to</p></td><td><p>End of the window</p></td></tr></table>"
        "<ol><li><p>Open Tracks.</p></li></ol>"
    )
    assert html_to_text(html) == "--to End of the window\n\n- Open Tracks."


def test_a_title_that_is_the_heading_plus_a_site_suffix_becomes_the_heading() -> None:
    """ "Exporting data — Product 4.2 documentation" with that h1 is "Exporting data"."""
    title = "Exporting data — Harbor Radar 4.2 documentation"
    assert clean_title(title, site_name=None, url=None, h1="Exporting data") == "Exporting data"
    # A subtitle after a colon is part of the headline.
    assert (
        clean_title("Ships: a history", site_name=None, url=None, h1="Ships") == "Ships: a history"
    )
