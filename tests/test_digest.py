"""Building and rendering a digest: selection into groups, credits, summaries, the three formats."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from digest_fixtures import AD_TEXT, BASE_URL, article, config, stored

from syndicator.digest import build_digest, period_of, render_files
from syndicator.digest.build import lede
from syndicator.digest.render import MailContext, markdown_text, render_mail
from syndicator.models import Appearance, DigestSettings, DigestSpec

NY = "America/New_York"
SPEC = DigestSpec("daily", "Defense Daily Brief", timezone=NY)
DAY = date(2026, 3, 4)
T = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 10:00 EST


def digest_of(*items, spec=SPEC, day=DAY, total=None, **changes):  # type: ignore[no-untyped-def]
    cfg = config(None, spec, **changes)
    return cfg, build_digest(cfg, spec, period_of(spec.period, day, spec.timezone), items, total)


def files_of(*items, spec=SPEC, day=DAY, **changes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    cfg, digest = digest_of(*items, spec=spec, day=day, **changes)
    return {path: data.decode() for path, data in render_files(digest, cfg).items()}


def test_items_are_grouped_by_first_tag_newest_first() -> None:
    """Groups are sorted by name; inside a group the newest story comes first."""
    _, digest = digest_of(
        stored(article("old", T)),
        stored(article("new", T + timedelta(hours=2))),
        stored(article("trade", T + timedelta(hours=1), source="rep")),
    )
    assert [(name, [i.title for i in items]) for name, items in digest.groups] == [
        ("dod", ["Story new", "Story old"]),
        ("industry", ["Story trade"]),
    ]
    assert digest.count == 3


def test_items_can_be_grouped_by_source() -> None:
    """digest.group_by: source groups by the name of the source."""
    _, digest = digest_of(
        stored(article("a", T)),
        stored(article("b", T, source="rep")),
        digest=DigestSettings(group_by="source"),
    )
    assert [name for name, _ in digest.groups] == ["DoD News", "Republisher & Sons"]


def test_an_item_has_its_credit_author_local_time_summary_and_both_links() -> None:
    """A republished story credits its original; the headline leads to our ad-free copy."""
    copy = article(
        "copy",
        T,
        source="rep",
        original_url="https://www.war.gov/orig",
        original_publisher="U.S. Department of Defense",
        author="Sam <b>Reporter</b>",
    )
    also = (Appearance("dod", "DoD News", "https://www.war.gov/elsewhere"),)
    _, digest = digest_of(stored(copy, story="s1", appearances=also))
    (item,) = digest.items
    assert item.publisher == "U.S. Department of Defense"
    assert item.original_url == "https://www.war.gov/orig"
    assert item.link == "https://rep.example.com/news/2026/03/story-copy-in-brief"
    assert item.copy_url == f"{BASE_URL}articles/s1.html"
    assert item.read_url == item.copy_url
    assert item.author == "Sam Reporter"
    assert (item.when.hour, item.when.tzname()) == (10, "EST")
    assert (
        item.summary == "First paragraph of copy. It says what happened. Second paragraph of copy."
    )
    assert item.appearances == also


def test_an_original_credits_its_own_publisher_and_a_summary_source_has_no_copy() -> None:
    """Originals name who published them; excerpt-only sources link out, with no copy of ours."""
    _, digest = digest_of(stored(article("own", T)), stored(article("pay", T, source="paywall")))
    items = {item.story_id: item for item in digest.items}
    assert items["own"].publisher == "U.S. Department of Defense"
    assert items["own"].original_url == items["own"].link
    assert items["pay"].copy_url is None
    assert items["pay"].read_url == "https://trade.example.com/news/2026/03/story-pay-in-brief"


def test_summary_is_the_first_paragraphs_cut_at_a_sentence() -> None:
    """The lede takes whole paragraphs up to the limit and ends at a sentence, not mid-word."""
    text = ("One sentence here. " * 12).strip() + "\n\nA later paragraph."
    summary = lede(text, limit=100)
    assert summary.endswith("here.") and len(summary) <= 100
    assert lede("Short.\n\nSecond one.\n\nThird.", limit=100) == "Short. Second one. Third."
    assert lede("<p>Escaped &amp; marked <b>up</b>.</p>") == "Escaped & marked up."


def test_the_three_files_are_written_under_the_digest_id_and_day() -> None:
    """digests/<id>/<first local day>.{html,txt,md}; a week is named by its Monday."""
    assert set(files_of(stored(article("a", T)))) == {
        f"digests/daily/2026-03-04.{suffix}" for suffix in ("html", "txt", "md")
    }
    weekly = DigestSpec("week", "W", period="weekly")
    assert "digests/week/2026-03-02.html" in files_of(spec=weekly)


def test_html_is_escaped_and_safe_for_mail() -> None:
    """Hostile text is escaped; no script, no remote resource, styles inline, dark mode."""
    hostile = article("x", T, title="<script>alert(1)</script>Alliance & <b>deterrence</b>")
    hostile = replace(hostile, summary="Look <img src=https://evil.example/t.gif> here.")
    html = files_of(stored(hostile))["digests/daily/2026-03-04.html"]
    assert "<script" not in html.lower() and "evil.example" not in html
    assert "Alliance &amp; deterrence" in html
    assert "prefers-color-scheme: dark" in html
    tags = _Tags()
    tags.feed(html)
    assert not {"script", "iframe", "img", "object", "form", "base"} & tags.names
    assert all(attrs.get("style") for name, attrs in tags.seen if name in {"h1", "h3", "p"})
    remote = [url for url in tags.resources if not url.startswith("../")]
    assert remote == []  # only our own stylesheet, linked relatively (mail drops it)
    assert "http://" not in tags.css and "@import" not in tags.css and "url(" not in tags.css


def test_mail_html_has_no_stylesheet_link_and_names_how_to_unsubscribe() -> None:
    """The mailed HTML carries all its style inline and in <style>; the text lists the link."""
    cfg, digest = digest_of(stored(article("a", T)))
    text, html = render_mail(
        digest, cfg, MailContext("ann@example.org", "mailto:u@x.org?subject=u")
    )
    assert "<link" not in html
    assert "Sent to ann@example.org" in html and 'href="mailto:u@x.org?subject=u"' in html
    assert "mailto:u@x.org?subject=u" in text.split("Links\n", 1)[1]


def test_text_is_wrapped_at_72_columns_with_links_as_numbered_references() -> None:
    """Every line fits 72 columns except reference lines; each link is listed once, numbered."""
    long_title = "A very long headline " * 6
    items = [
        stored(article("a", T, title=long_title.strip())),
        stored(
            article(
                "b",
                T + timedelta(hours=1),
                source="rep",
                original_url="https://www.war.gov/orig",
                original_publisher="DoD",
            )
        ),
    ]
    text = files_of(*items)["digests/daily/2026-03-04.txt"]
    body, references = text.split("\nLinks\n")
    assert all(len(line) <= 72 for line in body.splitlines())
    listed = re.findall(r"^\[(\d+)\] (\S+)$", references, re.MULTILINE)
    assert [int(n) for n, _ in listed] == list(range(1, len(listed) + 1))
    urls = [url for _, url in listed]
    assert len(urls) == len(set(urls))
    assert f"{BASE_URL}articles/a.html" in urls and "https://www.war.gov/orig" in urls
    number = {url: n for n, url in listed}["https://www.war.gov/orig"]
    assert f"Originally published by DoD [{number}]" in body


def test_markdown_escapes_text_and_links_every_story() -> None:
    """Titles with Markdown syntax stay literal; headlines link to our copy."""
    item = stored(article("a", T, title="[Breaking] *bold* claims_here"))
    markdown = files_of(item)["digests/daily/2026-03-04.md"]
    assert f"### [\\[Breaking\\] \\*bold\\* claims\\_here]({BASE_URL}articles/a.html)" in markdown
    assert markdown.startswith("# Defense Daily Brief\n")
    assert markdown_text("1. not a list") == "1\\. not a list"


def test_each_story_appears_once_in_every_format() -> None:
    """One item per story: the store already merged copies, and the digest keeps it so."""
    files = files_of(stored(article("a", T, title="Unique headline")))
    html, text, markdown = (files[f"digests/daily/2026-03-04.{s}"] for s in ("html", "txt", "md"))
    assert html.count(">Unique headline</a>") == 1  # (the mail preview line names it too)
    assert text.count("Unique headline") == 1 and markdown.count("Unique headline") == 1


@pytest.mark.parametrize("suffix", ["html", "txt", "md"])
def test_an_empty_period_says_so_honestly(suffix: str) -> None:
    """No stories is a digest too: it says there were no new articles."""
    content = files_of()[f"digests/daily/2026-03-04.{suffix}"]
    assert "No new articles in this period" in content
    assert "0 stories" not in content


def test_a_filtered_digest_says_whose_articles_it_missed() -> None:
    """An empty digest that follows only some tags says so, not that nothing happened."""
    spec = DigestSpec("army", "Army", tags=("army",))
    assert (
        "from the sources and tags this digest follows"
        in files_of(spec=spec)["digests/army/2026-03-04.txt"]
    )


def test_a_capped_digest_says_how_many_stories_it_leaves_out() -> None:
    """With more stories than max_articles, the digest says it shows the newest N of M."""
    html = files_of(stored(article("a", T)), total=250)["digests/daily/2026-03-04.html"]
    assert "The newest 1 of 250 stories" in html


def test_no_ad_text_from_the_article_reaches_the_digest() -> None:
    """The digest shows our cleaned text only: summary and title, never page furniture."""
    files = files_of(stored(article("a", T)))
    for content in files.values():
        assert not any(junk in content for junk in AD_TEXT)


def test_rendering_is_deterministic() -> None:
    """The same stories give the same bytes, so an unchanged digest rewrites no file."""
    items = [stored(article(str(n), T + timedelta(minutes=n))) for n in range(5)]
    assert files_of(*items) == files_of(*reversed(items))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.resources: list[str] = []
        self.css = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.names.add(tag)
        self.seen.append((tag, values))
        if tag == "link" and values.get("rel") == "stylesheet":
            self.resources.append(values.get("href") or "")
        for name in ("src", "srcset", "background", "poster"):
            if values.get(name):
                self.resources.append(values[name] or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css += data
