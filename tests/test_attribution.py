"""Attribution: credit lines, canonical links, known publishers, and hostile odd cases."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from syndicator.attribution import (
    EVIDENCE_CANONICAL,
    EVIDENCE_CREDIT,
    EVIDENCE_KNOWN_PUBLISHER,
    EVIDENCE_OG_URL,
    EVIDENCE_SOURCE_HINT,
    find_attribution,
    publisher_for,
)
from syndicator.models import Attribution, PageSignals

PAGE = "https://www.deftech.example/2024/10/31/stronger-together-allies-pledge/"
DOD = "U.S. Department of Defense"
DOD_STORY = "https://www.defense.gov/News/Releases/Release/Article/3950001/joint-communique/"
STORY = (
    "<p>Defense leaders of the two allies met in Washington on Wednesday to review the "
    "alliance and its plans for the coming year.</p>"
    "<p>They agreed to expand exercises, share missile warning data in real time and "
    "work together on supply chains for munitions and spare parts.</p>"
)
LONG_STORY = STORY * 12
HOME_PAGE_CREDIT = '<p>To read original article please visit <a href="https://www.defense.gov/">DoD website</a></p>'


def body_of(html: str) -> HtmlElement:
    return fragment_fromstring(html, create_parent="div")


def text_of(body: HtmlElement) -> str:
    return " ".join(body.text_content().split())


def attribute(html: str, **signals: str) -> tuple[Attribution | None, HtmlElement]:
    body = body_of(html)
    page = PageSignals(url=signals.pop("url", PAGE), **signals)
    return find_attribution(body, page), body


# --- credit lines ---------------------------------------------------------------------


def test_dod_credit_line_becomes_structured_and_leaves_the_body() -> None:
    """The seed case: the DoD credit line is read into an Attribution and removed."""
    html = (
        STORY
        + f'<p>To read original article please visit <a href="{DOD_STORY}">DoD website</a></p>'
    )
    found, body = attribute(html)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)
    assert "original article" not in text_of(body)
    assert "supply chains for munitions" in text_of(body)


def test_credit_removal_keeps_the_text_that_follows() -> None:
    """Removing an inline credit keeps its tail text."""
    html = (
        f'{STORY}<p>End.<em>Originally published at <a href="{DOD_STORY}">DoD</a></em> Thanks.</p>'
    )
    found, body = attribute(html)
    assert found is not None and found.original_url == DOD_STORY
    assert text_of(body).endswith("End. Thanks.")


def test_credit_in_nested_inline_elements_removes_the_whole_paragraph() -> None:
    """A credit wrapped in <p><em><strong> leaves no empty paragraph behind."""
    html = f'{STORY}<p><em><strong>Source: <a href="{DOD_STORY}">DoD</a></strong></em></p>'
    _, body = attribute(html)
    assert len(body.findall("p")) == 2


@pytest.mark.parametrize(
    "line",
    [
        "Originally published by {a}.",
        "This article first appeared on {a}.",
        "This story was originally published at {a}",
        "First published in {a}",
        "Source: {a}",
        "SOURCE : {a}",
        "Via: {a}",
        "Republished with permission from {a}.",
        "Reprinted courtesy of {a}",
        "Cross-posted from {a}",
        "Read the full story at {a}",
        "Read the original article on {a}.",
        "Click here to read the full release: {a}",
        "Courtesy of {a}",
        "— Originally published by {a}",
        "By Jim Miller, Staff Writer. Originally published at {a}",
        "Fuente: {a}",
        "Quelle: {a}",
        "Source : {a}",
        "Fonte: {a}",
        "Publicado originalmente en {a}",
        "Ursprünglich veröffentlicht bei {a}",
        "Publié initialement sur {a}",
        "Источник: {a}",
        "출처: {a}",
        "出典：{a}",
    ],
)
def test_credit_phrasings_in_many_forms_and_languages(line: str) -> None:
    """Each credit phrasing, in English and other languages, yields the linked original."""
    html = STORY + "<p>" + line.format(a=f'<a href="{DOD_STORY}">the original</a>') + "</p>"
    found, body = attribute(html)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)
    assert "the original" not in text_of(body)


def test_credit_at_the_top_of_the_body() -> None:
    """A credit line that opens the article counts as much as one that closes it."""
    html = f'<p><i>This article first appeared on <a href="{DOD_STORY}">DoD News</a>.</i></p>'
    found, body = attribute(html + LONG_STORY)
    assert found is not None and found.original_url == DOD_STORY
    assert "first appeared" not in text_of(body)


def test_credit_on_an_unknown_publisher_keeps_no_publisher_name() -> None:
    """A credit to a site we do not know gives its URL and no invented name."""
    url = "https://breaking.example/2024/10/30/allies-sign-new-pact"
    found, _ = attribute(STORY + f'<p>This article first appeared on <a href="{url}">BD</a>.</p>')
    assert found == Attribution(url, None, EVIDENCE_CREDIT)


def test_credit_linking_the_publisher_home_page_is_upgraded_by_the_canonical() -> None:
    """A credit to defense.gov's home page takes the story URL from a canonical on DoD."""
    html = STORY + HOME_PAGE_CREDIT
    found, _ = attribute(html, canonical_url=DOD_STORY)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)


def test_credit_linking_the_publisher_home_page_without_a_better_link() -> None:
    """Without a story URL anywhere, the credit keeps the publisher's home page."""
    html = STORY + HOME_PAGE_CREDIT
    found, body = attribute(html)
    assert found == Attribution("https://www.defense.gov/", DOD, EVIDENCE_CREDIT)
    assert "DoD website" not in text_of(body)


def test_credit_linking_the_republishers_own_tag_page_names_the_publisher() -> None:
    """A link to the republisher's own tag page is ignored; the named publisher is kept."""
    html = STORY + '<p>Source: <a href="/tag/dod/">DoD</a></p>'
    found, body = attribute(html)
    assert found == Attribution("https://www.war.gov/", DOD, EVIDENCE_CREDIT)
    assert "Source" not in text_of(body)


def test_credit_with_only_social_links_and_no_known_name_is_left_alone() -> None:
    """Share buttons and profiles are not originals; an unknown name keeps the line."""
    html = STORY + '<p>Source: <a href="https://twitter.com/someone">@someone</a></p>'
    found, body = attribute(html)
    assert found is None
    assert "@someone" in text_of(body)


def test_credit_with_several_links_prefers_the_story_on_a_known_publisher() -> None:
    """Among profile, home page and story links, the story link on DoD wins."""
    html = STORY + (
        '<p>Originally published by <a href="https://x.com/DeptofDefense">@DeptofDefense</a> '
        'on <a href="https://www.defense.gov/">defense.gov</a>: '
        f'<a href="{DOD_STORY}">read it there</a>.</p>'
    )
    found, _ = attribute(html)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)


def test_credit_with_a_bare_url_in_its_text() -> None:
    """A credit that spells the URL out as text still yields the link."""
    found, _ = attribute(STORY + f"<p>Source: {DOD_STORY}.</p>")
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)


def test_credit_link_through_a_redirector_and_trackers_is_cleaned() -> None:
    """A credit link wrapped in a click redirector with trackers yields the clean story."""
    wrapped = f"https://www.google.com/url?q={DOD_STORY}%3Futm_source%3Dnewsletter"
    found, _ = attribute(STORY + f'<p>Source: <a href="{wrapped}">DoD</a></p>')
    assert found is not None and found.original_url == DOD_STORY


def test_credit_with_a_script_link_names_the_publisher_only() -> None:
    """A javascript: link is never followed; the named publisher is still credited."""
    found, _ = attribute(STORY + '<p>Source: <a href="javascript:alert(1)">DoD</a></p>')
    assert found == Attribution("https://www.war.gov/", DOD, EVIDENCE_CREDIT)


def test_duplicate_credit_lines_at_top_and_bottom_are_both_removed() -> None:
    """The same credit standing twice is removed twice."""
    credit = f'<p>Originally published by <a href="{DOD_STORY}">DoD</a>.</p>'
    found, body = attribute(credit + STORY + credit)
    assert found is not None
    assert "Originally" not in text_of(body)


def test_credit_to_another_loopback_server_counts() -> None:
    """Two loopback servers on two ports are two sites, as in end-to-end tests."""
    html = STORY + '<p>Source: <a href="http://127.0.0.1:8002/news/article/12345">DoD</a></p>'
    found, _ = attribute(html, url="http://127.0.0.1:8001/copy/12345")
    assert found == Attribution("http://127.0.0.1:8002/news/article/12345", DOD, EVIDENCE_CREDIT)


def test_credit_line_after_br_in_one_long_block() -> None:
    """A credit that is only the last <br>-separated line of a long block is found and cut."""
    html = (
        "<div>"
        + "Defense leaders met in Washington to review the alliance. " * 30
        + f'<br><br>To read original article please visit <a href="{DOD_STORY}">DoD website</a>'
        + "</div>"
    )
    found, body = attribute(html)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CREDIT)
    assert "original article" not in text_of(body)
    assert text_of(body).endswith("review the alliance.")
    assert body.find(".//br") is None  # no blank lines left where the credit was


def test_credit_line_between_br_lines_keeps_the_others() -> None:
    """Removing a <br>-separated credit line keeps the lines around it."""
    html = (
        "<p>"
        + "The drill ended on Friday after two weeks. " * 20
        + f'<br>Source: <a href="{DOD_STORY}">DoD</a><br>Filed under news.</p>'
    )
    found, body = attribute(html)
    assert found is not None and found.original_url == DOD_STORY
    assert text_of(body).endswith("two weeks. Filed under news.")


def test_br_lines_that_credit_nothing_are_left_byte_for_byte() -> None:
    """Lines we look at but do not take are put back exactly as they were."""
    html = (
        "<p>"
        + "Text of the story goes on here. " * 30
        + '<br>Source: <a href="https://twitter.com/someone">@someone</a><br>End.</p>'
        + "<p>"
        + "More of the story follows. " * 30
        + "</p>"
    )
    body = body_of(html)
    before = etree.tostring(body)
    assert find_attribution(body, PageSignals(url=PAGE)) is None
    assert etree.tostring(body) == before


# --- things that look like credits but are not ----------------------------------------


def test_source_line_in_the_middle_of_a_long_article_is_content() -> None:
    """A "Source:" line between paragraphs of a long article is a chart note, not a credit."""
    html = LONG_STORY + '<p>Source: <a href="https://www.cbo.gov/publication/60001">CBO</a></p>'
    found, body = attribute(html + LONG_STORY)
    assert found is None
    assert "CBO" in text_of(body)


def test_photo_credits_are_not_story_credits() -> None:
    """Photo courtesy lines and figure captions are left alone."""
    html = (
        STORY
        + '<figure><figcaption>Source: <a href="https://www.army.mil/">U.S. Army</a>'
        + "</figcaption></figure>"
        + '<p>Photo courtesy of <a href="https://www.army.mil/">U.S. Army</a></p>'
    )
    found, body = attribute(html)
    assert found is None
    assert text_of(body).count("U.S. Army") == 2


def test_an_ordinary_last_sentence_about_publishing_is_content() -> None:
    """A closing sentence that mentions an earlier publication is not a credit line."""
    html = STORY + (
        '<p>The strategy, first published in 2023 by the <a href="https://www.defense.gov/'
        'News/Article/3000001/strategy/">Pentagon</a>, calls for more drills.</p>'
    )
    found, body = attribute(html)
    assert found is None
    assert "first published in 2023" in text_of(body)


def test_credit_inside_a_blockquote_is_a_quotation() -> None:
    """A quoted credit line belongs to the quoted text."""
    html = STORY + f'<blockquote><p>Source: <a href="{DOD_STORY}">DoD</a></p></blockquote>'
    found, _ = attribute(html)
    assert found is None


# --- page signals ---------------------------------------------------------------------


def test_canonical_on_another_known_publisher() -> None:
    """A canonical link to a DoD story credits DoD."""
    found, _ = attribute(STORY, canonical_url=DOD_STORY)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_CANONICAL)


def test_relative_canonical_is_the_page_itself() -> None:
    """A relative canonical resolves to the same site, which credits nobody."""
    found, _ = attribute(STORY, canonical_url="/2024/10/31/stronger-together-allies-pledge/")
    assert found is None


def test_canonical_to_the_page_itself_falls_back_to_the_source_hint() -> None:
    """With a self canonical, the editor's publisher hint names the original."""
    body = body_of(STORY)
    page = PageSignals(url=PAGE + "?utm_source=rss", canonical_url=PAGE)
    found = find_attribution(body, page, publisher_hint="Deftech Times")
    assert found == Attribution(PAGE, "Deftech Times", EVIDENCE_SOURCE_HINT)


def test_canonical_through_an_amp_cache_is_unwrapped() -> None:
    """A canonical into Google's AMP cache is read as the page it caches."""
    amp = "https://www-defense-gov.cdn.ampproject.org/c/s/www.defense.gov/News/Releases/Release/Article/3950001/"
    found, _ = attribute(STORY, canonical_url=amp)
    assert found == Attribution(
        "https://www.defense.gov/News/Releases/Release/Article/3950001/", DOD, EVIDENCE_CANONICAL
    )


def test_canonical_with_trackers_is_cleaned() -> None:
    """Tracking parameters never reach the published credit."""
    found, _ = attribute(STORY, canonical_url=DOD_STORY + "?utm_source=feed&fbclid=1")
    assert found is not None and found.original_url == DOD_STORY


def test_canonical_to_another_sites_home_page_is_ignored_for_og_url() -> None:
    """A canonical to a home page is a mistake; a story og:url elsewhere is used instead."""
    found, _ = attribute(STORY, canonical_url="https://www.defense.gov/", og_url=DOD_STORY)
    assert found == Attribution(DOD_STORY, DOD, EVIDENCE_OG_URL)


def test_syndication_partner_canonical_names_the_partner_from_page_metadata() -> None:
    """A partner's canonical is credited with the publisher the page names, if not itself."""
    partner = "https://www.partner.example/news/2024/10/30/allied-drill-ends"
    found, _ = attribute(
        STORY, canonical_url=partner, site_name="Deftech Times", publisher="Partner Wire"
    )
    assert found == Attribution(partner, "Partner Wire", EVIDENCE_CANONICAL)
    found, _ = attribute(
        STORY, canonical_url=partner, site_name="Deftech Times", publisher="deftech times"
    )
    assert found == Attribution(partner, None, EVIDENCE_CANONICAL)


def test_canonical_to_a_social_network_is_ignored() -> None:
    """A canonical pointing at a social post credits nobody."""
    found, _ = attribute(STORY, canonical_url="https://x.com/someone/status/1850000000000000000")
    assert found is None


def test_credit_line_beats_canonical() -> None:
    """An explicit credit outranks a canonical to a partner."""
    partner = "https://www.partner.example/news/2024/10/30/allied-drill-ends"
    html = STORY + f'<p>Source: <a href="{DOD_STORY}">DoD</a></p>'
    found, _ = attribute(html, canonical_url=partner)
    assert found is not None and found.evidence == EVIDENCE_CREDIT


@pytest.mark.parametrize(
    ("url", "canonical", "expected_url", "publisher"),
    [
        (DOD_STORY + "?utm_source=rss", DOD_STORY, DOD_STORY, DOD),
        (
            "https://www.defense.gov/News/Releases/Release/Article/3950001/",
            "https://www.war.gov/News/Releases/Release/Article/3950001/",
            "https://www.war.gov/News/Releases/Release/Article/3950001/",
            DOD,
        ),
        (
            "https://home.army.mil/bragg/2024/10/30/paratroopers-jump",
            "https://home.army.mil/bragg/",
            "https://home.army.mil/bragg/2024/10/30/paratroopers-jump",
            "U.S. Army",
        ),
    ],
)
def test_pages_on_known_publishers_are_their_own_original(
    url: str, canonical: str, expected_url: str, publisher: str
) -> None:
    """A page on a known publisher credits itself, by its canonical when that names a story."""
    found, _ = attribute(STORY, url=url, canonical_url=canonical)
    assert found == Attribution(expected_url, publisher, EVIDENCE_KNOWN_PUBLISHER)


def test_a_dod_page_crediting_the_army_credits_the_army() -> None:
    """A DoD repost of an Army story credits the Army, not DoD."""
    army = "https://www.army.mil/article/280001/soldiers_train_with_drones"
    found, _ = attribute(
        STORY + f'<p>Courtesy of <a href="{army}">U.S. Army</a></p>', url=DOD_STORY
    )
    assert found == Attribution(army, "U.S. Army", EVIDENCE_CREDIT)


def test_no_evidence_gives_none() -> None:
    """An ordinary page on an unknown site with no hints has no attribution."""
    found, body = attribute(STORY)
    assert found is None
    assert text_of(body) == text_of(body_of(STORY))


def test_hostile_deep_nesting_does_not_break_attribution() -> None:
    """Thousands of nested elements are walked without recursion limits."""
    body = body_of(STORY)
    node = body
    for _ in range(5000):
        node = etree.SubElement(node, "div")
    credit = etree.SubElement(node, "p")
    credit.text = "Source: "
    link = etree.SubElement(credit, "a", href=DOD_STORY)
    link.text = "DoD"
    found = find_attribution(body, PageSignals(url=PAGE))
    assert found is not None and found.original_url == DOD_STORY


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        (DOD_STORY, DOD),
        ("https://media.defense.gov/2024/Oct/30/2003000001/-1/-1/1/REPORT.PDF", DOD),
        ("https://www.af.mil/News/Article-Display/Article/3950002/", "U.S. Air Force"),
        ("https://www.google.com/amp/s/www.navy.mil/Press-Office/News-Stories/", "U.S. Navy"),
        ("https://notarmy.mil.example.com/story", None),
        ("https://example.com/army.mil", None),
        (None, None),
        ("", None),
    ],
)
def test_publisher_for(url: str | None, publisher: str | None) -> None:
    """Known publishers are found by host, through subdomains, aliases and AMP wrappers."""
    assert publisher_for(url) == publisher
