"""`extract_article` on hostile, broken and unusual input: it never raises."""

from __future__ import annotations

import pickle
import random
from concurrent.futures import ProcessPoolExecutor

import pytest

from syndicator import extract_article
from syndicator.models import Article, SiteRules

STORY = (
    "<html><head><title>Radar Upgrade Finished Early | Test Wire</title></head><body>"
    "<nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
    "<div class='story'><h1>Radar Upgrade Finished Early</h1>"
    "<p>Technicians finished the radar upgrade two weeks ahead of schedule, the program "
    "office said on Tuesday, after working double shifts through the holiday period.</p>"
    "<p>The upgraded radar can track smaller objects at longer ranges, and officials said "
    "it will be handed to operators for testing next month.</p></div>"
    "<div class='sidebar'><p>Unrelated sidebar text about a different topic entirely, "
    "long enough to look like a paragraph to a naive extractor.</p></div></body></html>"
)


@pytest.mark.parametrize(
    "page",
    [
        "",
        "   \n\t ",
        b"",
        b"\x00\x01\x02\xff\xfe",
        "<<<>>>",
        "<html><body></body></html>",
        "plain text without any markup at all",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "<html><body><p>unclosed <b>bold <i>italic",
        "<!-- only a comment -->",
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
        "<script>alert(1)</script>",
        "\ud800 lone surrogate is replaced",
    ],
    ids=lambda page: repr(page)[:30],
)
def test_malformed_input_gives_an_article_not_an_exception(page: str | bytes) -> None:
    """Garbage, empty and truncated documents produce an Article that says it is partial."""
    article = extract_article(page, "https://example.org/a")
    assert isinstance(article, Article)
    assert article.url == "https://example.org/a"
    if not article.content_text:
        assert article.is_partial and article.partial_reason


def test_lone_surrogates_and_control_characters_are_dropped_not_fatal() -> None:
    """Text with characters lxml refuses keeps everything around them."""
    article = extract_article("<p>\ud800 radar \x00 upgrade \x0b finished on time</p>", None)
    assert article.content_text == "radar upgrade finished on time"


def test_empty_page_says_why_it_is_partial() -> None:
    """No usable text: empty content, is_partial, and a reason naming the problem."""
    article = extract_article(b"", "https://example.org/empty")
    assert article.content_text == "" and article.content_html == ""
    assert article.is_partial
    assert article.partial_reason is not None and "no article text" in article.partial_reason


def test_random_bytes_never_raise() -> None:
    """Seeded random byte soup, with and without markup fragments, never raises."""
    rng = random.Random(20251130)
    pieces = [b"<div>", b"</div>", b"<p>", b"<a href='", b"'>", b"<img src=", b"&#", b"<!--"]
    for _ in range(60):
        soup = bytearray()
        for _ in range(rng.randint(0, 80)):
            soup += rng.choice(pieces) if rng.random() < 0.4 else bytes([rng.randrange(256)])
        assert isinstance(extract_article(bytes(soup), None), Article)


def test_truncated_page_keeps_what_arrived() -> None:
    """A page cut off mid-paragraph still yields the text that arrived."""
    cut = STORY[: STORY.index("handed to operators") + 10]
    article = extract_article(cut, "https://example.org/cut")
    assert "finished the radar upgrade" in article.content_text
    assert "handed to" in article.content_text


def test_bytes_in_a_legacy_charset_are_decoded_from_the_meta_tag() -> None:
    """windows-1252 bytes declared in <meta charset> decode to the right characters."""
    html = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9 talks</title></head><body>'
        "<article><p>The minister\x92s \x93d\xe9j\xe0 vu\x94 remark came after the talks, which "
        "ran late into the evening at the caf\xe9 near the ministry building.</p></article>"
        "</body></html>"
    ).encode("latin-1")
    article = extract_article(html, "https://example.org/cafe")
    assert "minister’s “déjà vu” remark" in article.content_text
    assert article.title == "Café talks"


def test_undeclared_utf8_bytes_are_decoded_as_utf8() -> None:
    """Bytes without a declared charset that are valid UTF-8 are read as UTF-8."""
    html = "<html><body><article><p>Überflug über die Ostsee — déjà vu für Piloten, " * 3
    article = extract_article((html + "</p></article></body></html>").encode(), None)
    assert "Überflug über die Ostsee — déjà vu" in article.content_text


def test_article_is_picklable_and_extraction_runs_in_a_process_pool() -> None:
    """The function and its result cross process boundaries (the pipeline uses a pool)."""
    article = extract_article(STORY, "https://example.org/radar")
    assert pickle.loads(pickle.dumps(article)) == article
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(extract_article, STORY, "https://example.org/radar").result()
    assert remote == article


def test_generic_extraction_drops_navigation_and_sidebar() -> None:
    """The story's paragraphs are kept; navigation and the sidebar are not."""
    article = extract_article(STORY, "https://example.org/radar")
    assert article.title == "Radar Upgrade Finished Early"
    assert "two weeks ahead of schedule" in article.content_text
    assert "Home" not in article.content_text and "sidebar" not in article.content_text
    assert article.extracted_by.startswith("generic:")


def test_site_rules_pick_and_clean_the_body() -> None:
    """content_selector chooses the body and remove_selectors cut parts of it."""
    html = (
        "<html><body><div id='main'><p class='lede'>Kept lede paragraph text.</p>"
        "<p class='promo'>Buy our mug.</p><p>Kept second paragraph.</p></div>"
        "<div id='other'><p>A much longer paragraph elsewhere on the page that a density "
        "extractor would prefer over the short body chosen by the editor's rule.</p></div>"
        "</body></html>"
    )
    rules = SiteRules(content_selector="#main", remove_selectors=(".promo",))
    article = extract_article(html, "https://example.org/r", rules=rules)
    assert article.extracted_by == "site-rules"
    assert article.content_text == "Kept lede paragraph text.\n\nKept second paragraph."


def test_site_rule_that_matches_nothing_falls_back_to_generic() -> None:
    """A selector that no longer matches (site redesign) falls back and says so."""
    rules = SiteRules(content_selector="#gone")
    article = extract_article(STORY, "https://example.org/radar", rules=rules)
    assert "two weeks ahead of schedule" in article.content_text
    assert article.extracted_by.endswith("+site-rules-missed")


def test_invalid_site_rule_selector_does_not_raise() -> None:
    """A selector cssselect cannot parse is reported in extracted_by, not raised."""
    rules = SiteRules(content_selector="div[[[", remove_selectors=("::nope(",))
    article = extract_article(STORY, "https://example.org/radar", rules=rules)
    assert "two weeks ahead of schedule" in article.content_text
    assert article.extracted_by.endswith("+site-rules-invalid")


def test_id_is_stable_and_follows_the_canonical_url() -> None:
    """The id depends on the canonical URL, not on tracking parameters of the fetch URL."""
    html = STORY.replace("<head>", "<head><link rel='canonical' href='https://example.org/radar'>")
    first = extract_article(html, "https://example.org/radar?utm_source=feed")
    second = extract_article(html, "https://www.example.org/radar/")
    assert first.id == second.id
    assert first.canonical_url == "https://example.org/radar"


def test_canonical_pointing_at_the_front_page_is_ignored() -> None:
    """A broken canonical (the site root) does not collapse every story into one id."""
    html = STORY.replace("<head>", "<head><link rel='canonical' href='https://example.org/'>")
    one = extract_article(html, "https://example.org/radar-1")
    two = extract_article(html, "https://example.org/radar-2")
    assert one.canonical_url is None and one.id != two.id


def test_teaser_ending_in_ellipsis_is_partial() -> None:
    """A short body ending in an ellipsis is a teaser of a longer story."""
    html = (
        "<html><body><article><p>The committee voted on Tuesday to advance the bill, "
        "sending it to the full chamber where leaders said a vote could come […]</p>"
        "</article></body></html>"
    )
    article = extract_article(html, "https://example.org/teaser")
    assert article.is_partial and "truncated" in (article.partial_reason or "")


def test_headline_in_a_header_with_its_lede_keeps_the_body_below() -> None:
    """A headline sharing a header with a long lede does not cut off the story body."""
    lede = "The lede paragraph sets out the story in one long sentence for the reader. " * 5
    body = "".join(
        f"<p>Body paragraph {n} carries on with the details of the story at length.</p>"
        for n in range(12)
    )
    html = (
        "<html><head><title>Depot Opens New Warehouse</title></head><body><div class='story'>"
        f"<div class='top'><h1>Depot Opens New Warehouse</h1><p class='dek'>{lede}</p></div>"
        f"<div class='content'>{body}</div></div>"
        "<section class='cards'>"
        + "".join(
            f"<div class='card'><h3><a href='/s{n}'>Other story {n}</a></h3>"
            f"<p>A summary of another story number {n}, long enough to count as prose.</p></div>"
            for n in range(3)
        )
        + "</section></body></html>"
    )
    article = extract_article(html, "https://example.org/depot")
    assert "Body paragraph 11 carries on" in article.content_text
    assert "lede paragraph sets out the story" in article.content_text
    assert "Other story" not in article.content_text


def test_credit_line_just_after_the_body_still_attributes() -> None:
    """A "To read original article" line right after the body names the original."""
    body = "".join(
        f"<p>Paragraph {n} of the republished story about the exercise in the Pacific.</p>"
        for n in range(6)
    )
    html = (
        f"<html><body><div class='post'><h1>Exercise Ends</h1><div class='entry-content'>"
        f"{body}</div><p>To read original article please visit "
        "<a href='https://www.war.gov/News/Article/9/?utm_source=copy'>DoD website</a></p>"
        "</div></body></html>"
    )
    article = extract_article(html, "https://copy.example/exercise")
    assert article.original_url == "https://www.war.gov/News/Article/9/"
    assert article.original_publisher == "U.S. Department of Defense"
    assert "original article" not in article.content_text


def test_extract_article_is_public_api() -> None:
    """`extract_article` is importable from the package and listed in `__all__`."""
    import syndicator

    assert "extract_article" in syndicator.__all__
    assert syndicator.extract_article is extract_article


@pytest.mark.parametrize("page_url", ["http://[::1", "not a url", "javascript:alert(1)", ""])
def test_malformed_urls_in_the_page_or_the_call_do_not_stop_extraction(page_url: str) -> None:
    """Links the URL parser rejects are dropped; the rest of the article survives."""
    html = STORY.replace(
        "after working double shifts",
        "after working <a href='http://[::1'>double</a> <img src='http://[bad'> shifts",
    ).replace("<head>", "<head><link rel='canonical' href='https://[oops/radar'>")
    article = extract_article(html, page_url)
    assert "finished the radar upgrade" in article.content_text
    assert "[::1" not in article.content_html and "[bad" not in article.content_html
    assert article.url == page_url and article.id


def test_paywall_box_beside_the_body_marks_the_article_partial() -> None:
    """A subscription prompt in a paywall box marks the article partial, free part kept."""
    free = "".join(
        f"<p>Free paragraph {n} of the story about the shipbuilding budget request.</p>"
        for n in range(5)
    )
    html = (
        "<html><body><div class='story'><h1>Budget Shifts Funds</h1>"
        f"<div class='story-text'>{free}</div>"
        "<div class='paywall-box'><p>Subscribe now to continue reading this story.</p>"
        "<p>Already a subscriber? Sign in</p></div></div></body></html>"
    )
    article = extract_article(html, "https://example.org/budget")
    assert article.is_partial and "paywall" in (article.partial_reason or "")
    assert "Free paragraph 4" in article.content_text
    assert "Subscribe" not in article.content_text


def test_empty_paywall_container_on_a_free_story_is_not_a_paywall() -> None:
    """Metering scripts leave empty paywall containers on free stories; those are ignored."""
    body = "".join(
        f"<p>Paragraph {n} of a free story about a harbor dredging plan.</p>" for n in range(5)
    )
    html = (
        "<html><body><div class='story'><h1>Harbor Dredging Plan</h1>"
        f"<div class='story-text'>{body}</div><div id='piano-paywall' class='paywall'></div>"
        "</div></body></html>"
    )
    article = extract_article(html, "https://example.org/dredging")
    assert not article.is_partial


def test_site_rule_body_is_still_cleaned_of_furniture() -> None:
    """Inside the body a site rule picks, share bars, hidden and ad blocks still go."""
    html = (
        "<html><body><div id='main'><div class='share-bar'><a href='/s'>Share</a></div>"
        "<p>Kept paragraph of the story chosen by the editor's rule.</p>"
        "<div style='display:none'>Hidden tracking text</div>"
        "<div class='ad-slot'>Sponsored content here</div>"
        "<p>Second kept paragraph of the same story.</p></div></body></html>"
    )
    article = extract_article(
        html, "https://example.org/r", rules=SiteRules(content_selector="#main")
    )
    assert article.content_text == (
        "Kept paragraph of the story chosen by the editor's rule.\n\n"
        "Second kept paragraph of the same story."
    )


def test_captions_leave_the_text_but_a_wrapper_named_like_one_does_not() -> None:
    """Photo captions are not running text; a body wrapper called "copyright-…" is."""
    story = "".join(f"<p>Paragraph {n} of a story about a new radar site.</p>" for n in range(6))
    html = (
        "<html><body><div class='entry copyright-protected'>"
        "<figure><img src='/a.jpg'><figcaption>The radar site at dawn.</figcaption></figure>"
        f"<div class='photo-credit'>Photo: Staff</div>{story}</div></body></html>"
    )
    article = extract_article(html, "https://example.org/radar-site")
    assert "Paragraph 5 of a story" in article.content_text
    assert "radar site at dawn" not in article.content_text
    assert "Photo: Staff" not in article.content_text
    assert "<figcaption>The radar site at dawn.</figcaption>" in article.content_html


def test_image_controls_go_but_a_credit_link_named_view_original_stays() -> None:
    """ "VIEW ORIGINAL" in a caption is an image control; in a credit line it is the credit."""
    story = "".join(
        f"<p>Paragraph {n} about engineers bridging a river at night.</p>" for n in range(5)
    )
    html = (
        "<html><body><article><figure><img src='/b.jpg'><figcaption>Bridge crews at work. "
        "<a class='view-original' href='/b-original.jpg'>VIEW ORIGINAL</a></figcaption></figure>"
        f"{story}<p>This article first appeared on DoD News. "
        "<a href='https://www.war.gov/News/Article/7/'>View original</a></p></article></body></html>"
    )
    article = extract_article(html, "https://copy.example/bridge")
    assert "VIEW ORIGINAL" not in article.content_html
    assert "Bridge crews at work." in article.content_html
    assert article.original_url == "https://www.war.gov/News/Article/7/"


def test_a_canonical_on_another_site_never_becomes_the_id() -> None:
    """A copy whose canonical names another site's article keeps an id of its own."""
    from syndicator.urls import stable_id

    original = "https://www.war.gov/News/News-Stories/Article/Article/4001/some-story/"
    page = (
        f'<html><head><title>Copy</title><link rel="canonical" href="{original}"></head>'
        "<body><article><h1>Copy</h1>"
        + "<p>Plenty of copied text here for a body.</p>" * 8
        + "</article></body></html>"
    )
    copy = extract_article(page, "https://copycat.example.com/2025/11/some-story/")
    assert copy.id != stable_id(url=original, guid=None, title="", published=None)
    assert copy.id == stable_id(
        url="https://copycat.example.com/2025/11/some-story/", guid=None, title="", published=None
    )
    assert copy.original_url == original


def test_void_elements_written_without_a_close_hold_nothing_after_parsing() -> None:
    """libxml2 nests what follows `<embed>`, `<source>`, `<wbr>`… inside them; the parse
    moves it back out, in order, so dropping an embed never drops the story after it."""
    from syndicator.extract.document import parse

    page = parse(
        "<div><embed src=a>one <b>two</b> three<embed src=b><p>four</p></div>"
        "<p>five <wbr>six</p><picture><source srcset=x.jpg><img src=y.jpg></picture>"
    )
    body = page.root.find("body")
    assert body is not None
    for void in body.iter("embed", "source", "wbr"):
        assert len(void) == 0 and not void.text
    assert " ".join(" ".join(body.itertext()).split()) == "one two three four five six"
    assert [el.tag for el in body.find("div")] == ["embed", "b", "embed", "p"]
    picture = body.find("picture")
    assert picture is not None and [el.tag for el in picture] == ["source", "img"]


def test_a_dateline_span_in_the_lede_stays_but_offscreen_text_and_header_datelines_go() -> None:
    """A class word does not cut a span out of a paragraph's sentence ("FORT LIBERTY, N.C.
    —" is the story's own text); screen-reader text and a dateline block above still go."""
    html = (
        "<html><body><article><h1>Medics Train With New Litters</h1>"
        "<div class='dateline'>Posted March 3, 2025</div>"
        "<p><span class='dateline'>FORT LIBERTY, N.C. —</span> Medics of the 44th Medical "
        "Brigade spent a week training with lighter litters that fold to half their size "
        "<a href='/litter'>the new model<span class='sr-only'> (opens in a new window)</span>"
        "</a> and fit in a vehicle's side rack.</p>"
        "<p>The brigade expects to field the litters to every ambulance company by the end "
        "of the year, a spokeswoman said on Monday after the training ended.</p>"
        "</article></body></html>"
    )
    text = extract_article(html, "https://post.example/medics-litters").content_text
    assert text.startswith("FORT LIBERTY, N.C. — Medics of the 44th Medical Brigade")
    assert "opens in a new window" not in text
    assert "Posted March 3" not in text
