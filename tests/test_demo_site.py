"""The bundled sample site: realistic, deterministic, conditional-request aware."""

from __future__ import annotations

import gzip
import io
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup
from protego import Protego

from syndicator.config import load_config, parse_config
from syndicator.demo import EXPECTED, RequestRecord, SampleSite
from syndicator.discover import discover
from syndicator.models import FetchResult, Validators
from syndicator.urls import identity_key

SITES = ("dod", "republisher", "army", "tradepress")
HTML = "text/html; charset=utf-8"
FEED_TYPES = {
    "dod": "application/rss+xml; charset=utf-8",
    "army": "application/atom+xml; charset=utf-8",
    "tradepress": "application/feed+json; charset=utf-8",
}
TYPES_BY_SUFFIX = {
    "": HTML,
    ".html": HTML,
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


@pytest.fixture(scope="module")
def shared_site() -> Iterator[SampleSite]:
    """One running site for tests that only read (they never edit, fail or count requests)."""
    with SampleSite() as site:
        yield site


@pytest.fixture
def site() -> Iterator[SampleSite]:
    """A fresh site for tests that change it or look at its request log."""
    with SampleSite() as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def served_url(site: SampleSite, name: str, path: str) -> str:
    """The URL a file path is served at (index files at their folder)."""
    return site.url(name, path.removesuffix("index.html"))


def expected_type(name: str, path: str) -> str:
    for feed_site, feed_path in EXPECTED["feeds"].items():
        if name == feed_site and path == urlsplit(feed_path).path:
            return FEED_TYPES[name]
    return TYPES_BY_SUFFIX[Path(path).suffix]


def page(client: httpx.Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "lxml")


def text_of(client: httpx.Client, url: str) -> str:
    return " ".join(page(client, url).get_text(" ").split())


# --- serving ---------------------------------------------------------------------------


def test_every_file_is_served_with_its_content_type(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """Every bundled file answers 200 with the content type its kind calls for."""
    count = 0
    for name in SITES:
        for path in shared_site.paths(name):
            response = client.get(served_url(shared_site, name, path))
            assert response.status_code == 200, (name, path)
            assert response.headers["content-type"] == expected_type(name, path), (name, path)
            assert response.headers["etag"] and response.headers["last-modified"]
            count += 1
    assert count > 30


def test_sites_are_separate_loopback_origins(shared_site: SampleSite) -> None:
    """Each site has its own 127.0.0.1 port, so attribution sees four different origins."""
    parts = [urlsplit(shared_site.urls[name]) for name in SITES]
    assert {part.hostname for part in parts} == {"127.0.0.1"}
    assert len({part.port for part in parts}) == 4
    assert all(url.endswith("/") for url in shared_site.urls.values())


def test_no_placeholder_is_left_in_any_file(shared_site: SampleSite) -> None:
    """Every {{site}} placeholder is filled with a real base URL before serving."""
    for name in SITES:
        for path in shared_site.paths(name):
            served = shared_site.file(name, path)
            if served.is_text:
                assert b"{{" not in served.body, (name, path)


def test_pages_load_nothing_from_the_internet(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """Images, scripts and stylesheets come from the sample site or reserved .example hosts."""
    for name in SITES:
        for path in shared_site.paths(name):
            if not path.endswith((".html", "/news")) and Path(path).suffix:
                continue
            url = served_url(shared_site, name, path)
            soup = page(client, url)
            loaded = [tag.get("src") for tag in soup.find_all(["img", "script"])]
            loaded += [tag.get("href") for tag in soup.find_all("link", rel="stylesheet")]
            for link in filter(None, loaded):
                absolute = urljoin(url, str(link))
                host = urlsplit(absolute).hostname
                assert (
                    absolute.startswith("data:")
                    or host == "127.0.0.1"
                    or (host or "").endswith(".example")
                ), (name, path, link)


def test_folder_without_slash_redirects_and_unknown_paths_are_404(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """A story folder without its trailing slash redirects; a missing page is a 404 page."""
    original = EXPECTED["original_path"]
    response = client.get(shared_site.url("dod", original.rstrip("/") + "?from=home"))
    assert response.status_code == 301
    assert response.headers["location"] == original + "?from=home"
    missing = client.get(shared_site.url("dod", "/News/no-such-story/"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == HTML


def test_head_and_post(site: SampleSite, client: httpx.Client) -> None:
    """HEAD answers headers without a body; a form POST gets 405 with Allow."""
    url = site.url("republisher", EXPECTED["copy_path"])
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    post = client.post(site.url("republisher", "/wp-comments-post.php"), data={"comment": "hi"})
    assert post.status_code == 405
    assert post.headers["allow"] == "GET, HEAD"


def test_requests_are_recorded(site: SampleSite, client: httpx.Client) -> None:
    """Every answered request is logged with site, method, path, status and its headers."""
    feed = EXPECTED["feeds"]["dod"]
    client.get(site.url("dod", feed), headers={"User-Agent": "probe/1"})
    client.get(site.url("army", "/missing"))
    assert site.requests == [
        RequestRecord("dod", "GET", feed, 200, site.requests[0].headers),
        RequestRecord("army", "GET", "/missing", 404, site.requests[1].headers),
    ]
    assert site.requests[0].headers["user-agent"] == "probe/1"


def test_stopping_frees_every_port() -> None:
    """Leaving the context stops every server: its port no longer accepts connections."""
    with SampleSite() as running:
        ports = [urlsplit(url).port for url in running.urls.values()]
    for port in ports:
        assert port is not None
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0


# --- conditional requests --------------------------------------------------------------


def test_matching_validators_answer_304(shared_site: SampleSite, client: httpx.Client) -> None:
    """If-None-Match or If-Modified-Since matching the file gives 304 with no body."""
    url = shared_site.url("dod", EXPECTED["original_path"])
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"')
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = client.get(url, headers={"Accept-Encoding": "identity", **headers})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag


def test_stale_validators_get_the_file(shared_site: SampleSite, client: httpx.Client) -> None:
    """An older date or another tag gets 200; If-None-Match wins over If-Modified-Since."""
    url = shared_site.url("army", EXPECTED["feeds"]["army"])
    first = client.get(url)
    modified = parsedate_to_datetime(first.headers["last-modified"])
    older = format_datetime(modified - timedelta(seconds=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    both = {"If-None-Match": '"other"', "If-Modified-Since": first.headers["last-modified"]}
    assert client.get(url, headers=both).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_gzip_is_offered_with_a_weak_tag(shared_site: SampleSite, client: httpx.Client) -> None:
    """A gzip response carries a weak ETag that still revalidates to 304."""
    url = shared_site.url("tradepress", "/feed.json")
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as zipped:
        body = b"".join(zipped.iter_raw())
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"].startswith('W/"')
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(body) == plain.content
    revalidated = client.get(url, headers={"If-None-Match": zipped.headers["etag"]})
    assert revalidated.status_code == 304


def test_second_pass_over_unchanged_site_is_all_304(site: SampleSite) -> None:
    """Fetching every feed and page again with the validators of the first pass gets only 304s."""
    urls = [site.url(name, path) for name, path in EXPECTED["feeds"].items()]
    urls += [
        served_url(site, name, path)
        for name in SITES
        for path in site.paths(name)
        if path.endswith("index.html") or not Path(path).suffix
    ]
    with httpx.Client() as http:
        validators = {url: http.get(url).headers for url in urls}
        site.requests.clear()
        for url, headers in validators.items():
            http.get(
                url,
                headers={
                    "If-None-Match": headers["etag"],
                    "If-Modified-Since": headers["last-modified"],
                },
            )
    assert len(site.requests) == len(urls) > 10
    assert {record.status for record in site.requests} == {304}


# --- edit and fail ---------------------------------------------------------------------


def test_edit_changes_text_and_validators(site: SampleSite, client: httpx.Client) -> None:
    """An edit changes the body, gives a new ETag and a later Last-Modified; old tags get 200."""
    path = EXPECTED["original_path"]
    url = site.url("dod", path)
    before = client.get(url, headers={"Accept-Encoding": "identity"})
    site.edit("dod", path, "every single day", "every single day and night")
    after = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "every single day and night" in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert parsedate_to_datetime(after.headers["last-modified"]) > parsedate_to_datetime(
        before.headers["last-modified"]
    )
    assert client.get(url, headers={"If-None-Match": before.headers["etag"]}).status_code == 200
    assert client.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    stale_date = {"If-Modified-Since": before.headers["last-modified"]}
    assert client.get(url, headers=stale_date).status_code == 200


def test_edit_rejects_what_it_cannot_do(site: SampleSite) -> None:
    """Editing text that is not there, a binary-free path that is not served, fails loudly."""
    with pytest.raises(ValueError, match="does not contain"):
        site.edit("dod", EXPECTED["original_path"], "no such words", "x")
    with pytest.raises(KeyError):
        site.edit("dod", "/nothing-here/", "a", "b")
    with pytest.raises(KeyError):
        site.edit("nowhere", "/", "a", "b")


def test_fail_answers_the_status_until_restored(site: SampleSite, client: httpx.Client) -> None:
    """A failed path answers its status (with Retry-After when asked) until restored."""
    feed = EXPECTED["feeds"]["tradepress"]
    site.fail("tradepress", feed, 503, retry_after=120)
    down = client.get(site.url("tradepress", feed))
    assert down.status_code == 503
    assert down.headers["retry-after"] == "120"
    site.fail("dod", "/robots.txt", 500)
    assert client.get(site.url("dod", "/robots.txt")).status_code == 500
    site.restore("tradepress", feed)
    assert client.get(site.url("tradepress", feed)).status_code == 200
    assert client.get(site.url("dod", "/robots.txt")).status_code == 500
    with pytest.raises(ValueError):
        site.fail("dod", "/", 200)


# --- feeds and robots ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "version", "count"), [("dod", "rss20", 3), ("army", "atom10", 2)])
def test_xml_feeds_parse_cleanly(
    shared_site: SampleSite, client: httpx.Client, name: str, version: str, count: int
) -> None:
    """The RSS and Atom feeds parse with feedparser without bozo, every entry fully dated."""
    response = client.get(shared_site.url(name, EXPECTED["feeds"][name]))
    headers = {
        "content-type": response.headers["content-type"],
        "content-location": str(response.url),
    }
    parsed = feedparser.parse(io.BytesIO(response.content), response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert len(parsed.entries) == count
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.published_parsed and entry.author
        assert client.get(entry.link).status_code == 200


def test_json_feed_has_the_required_fields(shared_site: SampleSite, client: httpx.Client) -> None:
    """The JSON Feed is version 1.1 with title, items with ids, urls and RFC 3339 dates."""
    feed = client.get(shared_site.url("tradepress", "/feed.json")).json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == shared_site.url("tradepress", "/feed.json")
    assert len(feed["items"]) == 2
    for item in feed["items"]:
        assert item["id"] and item["title"] and item["date_published"].endswith("Z")
        assert ("content_html" in item) or ("content_text" in item)
        assert item["url"].startswith(shared_site.urls["tradepress"])
    urls = [item["url"] for item in feed["items"]]
    assert shared_site.url("tradepress", EXPECTED["robots_disallowed_path"]) in urls


def test_robots_txt_on_every_site(shared_site: SampleSite, client: httpx.Client) -> None:
    """Each site has a plain-text robots.txt; only the trade press's premium page is off limits."""
    disallowed = shared_site.url("tradepress", EXPECTED["robots_disallowed_path"])
    for name in SITES:
        response = client.get(shared_site.url(name, "/robots.txt"))
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        robots = Protego.parse(response.text)
        for path in shared_site.paths(name):
            url = served_url(shared_site, name, path)
            if path.endswith("index.html") or not Path(path).suffix:
                assert robots.can_fetch(url, "syndicator") == (url != disallowed), url
    assert client.get(disallowed).status_code == 200  # it exists; polite crawlers skip it


def test_republisher_index_links_match_the_selector(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """The configured link selector finds exactly the two posts, and nothing in the sidebar."""
    soup = page(client, shared_site.urls["republisher"])
    links = [str(a["href"]) for a in soup.select("h3.entry-title a")]
    assert links == [EXPECTED["copy_path"], EXPECTED["own_post_path"]]


def test_copy_credits_the_original_with_an_absolute_link(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """The republished copy ends with the credit line linking to the DoD page on its own port."""
    soup = page(client, shared_site.url("republisher", EXPECTED["copy_path"]))
    credit = soup.find("a", string="DoD website")
    assert credit is not None
    assert "To read original article please visit" in credit.parent.get_text()
    original = shared_site.url("dod", EXPECTED["original_path"])
    assert identity_key(str(credit["href"])) == identity_key(original)
    assert str(credit["href"]).startswith(shared_site.urls["dod"])


# --- what EXPECTED promises ------------------------------------------------------------


def test_expected_stories_are_on_their_pages(shared_site: SampleSite, client: httpx.Client) -> None:
    """Titles, sentences, author and image in EXPECTED are really on the pages they name."""
    original = text_of(client, shared_site.url("dod", EXPECTED["original_path"]))
    copy = text_of(client, shared_site.url("republisher", EXPECTED["copy_path"]))
    assert EXPECTED["original_title"] in original and EXPECTED["original_author"] in original
    for sentence in (*EXPECTED["original_sentences"], *EXPECTED["original_subheadings"]):
        assert sentence in original and sentence not in copy
    assert EXPECTED["copy_only_sentence"] in copy and EXPECTED["copy_only_sentence"] not in original
    assert EXPECTED["copy_title"] in copy
    separate = text_of(client, shared_site.url("dod", EXPECTED["separate_path"]))
    assert EXPECTED["separate_title"] in separate
    own = text_of(client, shared_site.url("republisher", EXPECTED["own_post_path"]))
    assert EXPECTED["own_post_title"] in own and EXPECTED["own_post_sentence"] in own
    soup = page(client, shared_site.url("dod", EXPECTED["original_path"]))
    lazy = soup.select_one("div.body figure img")
    assert lazy is not None and str(lazy["src"]).startswith("data:")
    assert lazy["data-src"] == EXPECTED["original_image_path"]


def test_expected_titles_are_the_feed_and_index_entries(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """`published_titles` is every entry of the three feeds and the republisher's own post."""
    titles = []
    for name, path in EXPECTED["feeds"].items():
        body = client.get(shared_site.url(name, path)).content
        if name == "tradepress":
            titles += [item["title"] for item in json.loads(body)["items"]]
        else:
            titles += [entry.title for entry in feedparser.parse(io.BytesIO(body)).entries]
    titles.append(EXPECTED["own_post_title"])
    assert sorted(titles) == sorted(EXPECTED["published_titles"])
    assert EXPECTED["copy_title"] not in titles


def test_every_junk_snippet_occurs_on_the_site(
    shared_site: SampleSite, client: httpx.Client
) -> None:
    """Each junk snippet is really in some served page, so asserting its absence means something."""
    pages = [
        client.get(served_url(shared_site, name, path)).text
        for name in SITES
        for path in shared_site.paths(name)
        if path.endswith("index.html") or not Path(path).suffix
    ]
    for snippet in EXPECTED["junk"]:
        assert any(snippet in html for html in pages), snippet
    for sentence in EXPECTED["original_sentences"]:
        assert not any(sentence in junk for junk in EXPECTED["junk"])


# --- sources.yaml ----------------------------------------------------------------------


def test_sources_yaml_loads_as_a_complete_config(shared_site: SampleSite, tmp_path: Path) -> None:
    """The generated sources.yaml validates and configures the four sources as intended."""
    path = tmp_path / "sources.yaml"
    path.write_text(shared_site.sources_yaml(base_url="http://127.0.0.1:8080/"), encoding="utf-8")
    config = load_config(path)
    assert config.database == tmp_path / "syndicator.db"
    assert config.output_dir == tmp_path / "public"
    assert config.site.base_url == "http://127.0.0.1:8080/"
    assert "127.0.0.1" in config.fetch.allow_hosts[0]
    assert config.fetch.per_host_delay == timedelta(0)
    sources = {source.id: source for source in config.sources}
    assert tuple(sources) == EXPECTED["source_ids"]
    for source_id, name in zip(EXPECTED["source_ids"], SITES, strict=True):
        assert sources[source_id].url.startswith(shared_site.urls[name])
    dod = sources["dod-news"]
    assert dod.url == shared_site.url("dod", EXPECTED["feeds"]["dod"])
    assert dod.content_selector == "div.body" and dod.remove_selectors
    assert dod.publisher == EXPECTED["original_publisher"]
    assert sources["republisher"].kind == "html"
    assert sources["republisher"].link_selector == "h3.entry-title a"
    assert sources["republisher"].publisher is None
    assert sources["tradepress"].publish == "summary"
    assert all(source.tags for source in config.sources)


def test_sources_yaml_keeps_given_values_exactly(shared_site: SampleSite, tmp_path: Path) -> None:
    """Paths and URLs with YAML-special characters come through unchanged."""
    path = tmp_path / "sources.yaml"
    text = shared_site.sources_yaml(
        base_url="http://127.0.0.1:9000/demo #1/", database="db: one.db", output_dir="out'put"
    )
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert config.site.base_url == "http://127.0.0.1:9000/demo #1/"
    assert config.database == tmp_path / "db: one.db"
    assert config.output_dir == tmp_path / "out'put"


def test_discover_reads_every_source(shared_site: SampleSite, client: httpx.Client) -> None:
    """Our discover stage finds every listed story in each source's feed or index page."""
    text = shared_site.sources_yaml(base_url="http://127.0.0.1:8080/")
    config = parse_config(text, Path("sources.yaml"))
    titles = []
    for source in config.sources:
        response = client.get(source.url)
        content_type, _, _ = response.headers["content-type"].partition(";")
        result = FetchResult(
            requested_url=source.url,
            url=str(response.url),
            status=response.status_code,
            body=response.content,
            content_type=content_type,
            encoding="utf-8",
            validators=Validators(response.headers["etag"], response.headers["last-modified"]),
            fetched_at=datetime(2025, 11, 6, tzinfo=UTC),
            elapsed=timedelta(0),
        )
        found = discover(source, result)
        assert not found.warnings, source.id
        titles += [entry.title for entry in found.entries]
    assert sorted(titles) == sorted((*EXPECTED["published_titles"], EXPECTED["copy_title"]))
