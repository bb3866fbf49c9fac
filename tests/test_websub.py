"""WebSub: feeds advertise the hub, and a publish that changed feeds pings a loopback hub."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
from feedrules import ATOM, parse_xml
from test_publish_corpus import corpus_articles, corpus_config, corpus_feeds, render_corpus

from syndicator.models import Failure
from syndicator.publish import (
    LocalFolder,
    changed_feed_urls,
    notify_hub,
    render_outputs,
    write_outputs,
)


@dataclass
class Hub:
    """A loopback hub that records publish pings and can refuse or stall some topics."""

    url: str = ""
    pings: list[list[tuple[str, str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    stall: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def topics(self) -> list[str]:
        return sorted(value for ping in self.pings for key, value in ping if key == "hub.url")


@pytest.fixture
def hub() -> Iterator[Hub]:
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = parse_qsl(self.rfile.read(length).decode("ascii"))
            topic = dict(form).get("hub.url", "")
            with state.lock:
                state.pings.append(form)
            if topic in state.stall:
                state.release.wait(timeout=10)
            status = 500 if topic in state.refuse else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hub"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def ping(hub_url: str, urls: list[str], timeout: float = 5.0) -> list[Failure]:
    async def run() -> list[Failure]:
        async with httpx.AsyncClient(timeout=timeout) as client:
            return await notify_hub(client, hub_url, urls)

    return asyncio.run(run())


def test_each_changed_feed_is_announced_with_a_publish_ping(hub: Hub) -> None:
    """The hub receives hub.mode=publish and hub.url for every feed URL, once each."""
    urls = ["https://example.org/feeds/all.rss", "https://example.org/feeds/all.atom"]
    assert ping(hub.url, [*urls, urls[0]]) == []
    assert hub.topics() == sorted(urls)
    assert all(dict(form)["hub.mode"] == "publish" for form in hub.pings)


def test_no_changed_feeds_means_no_ping(hub: Hub) -> None:
    """An empty list sends nothing at all."""
    assert ping(hub.url, []) == []
    assert hub.pings == []


def test_a_refused_ping_is_a_failure_value_and_the_others_still_go(hub: Hub) -> None:
    """A 500 for one feed is reported for that feed; the other feed is still announced."""
    bad, good = "https://example.org/feeds/all.json", "https://example.org/feeds/all.rss"
    hub.refuse.add(bad)
    failures = ping(hub.url, [bad, good])
    assert [(f.stage, f.kind, f.url) for f in failures] == [("websub", "http_status", bad)]
    assert "500" in failures[0].message
    assert hub.topics() == sorted([bad, good])


def test_an_unreachable_hub_is_a_network_failure_per_feed() -> None:
    """Nothing listening: each feed's ping fails with kind 'network', nothing raises."""
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]
    failures = ping(f"http://127.0.0.1:{port}/hub", ["https://example.org/feeds/all.rss"])
    assert [(f.kind, f.url) for f in failures] == [("network", "https://example.org/feeds/all.rss")]


def test_a_hub_that_never_answers_is_a_timeout_failure(hub: Hub) -> None:
    """A stalled hub is reported as a timeout within the client's deadline."""
    stalled = "https://example.org/feeds/all.atom"
    hub.stall.add(stalled)
    failures = ping(hub.url, [stalled], timeout=0.3)
    assert [(f.kind, f.url) for f in failures] == [("timeout", stalled)]


def test_feeds_advertise_the_hub_and_themselves_when_a_hub_is_set() -> None:
    """With site.websub_hub every format names the hub and its own URL."""
    hub_url = "https://hub.example.net/"
    _, files = render_corpus(corpus_config(hub=hub_url))
    for path in ("feeds/all.rss", "feeds/tag/naval.rss"):
        channel_links = parse_xml(files[path]).iter(f"{ATOM}link")
        links = {link.get("rel"): link.get("href") for link in channel_links}
        assert links == {"self": "http://127.0.0.1:8080/" + path, "hub": hub_url}
    atom = parse_xml(files["feeds/source/deftech.atom"])
    rels = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert rels["hub"] == hub_url
    assert rels["self"] == "http://127.0.0.1:8080/feeds/source/deftech.atom"
    hubs = json.loads(files["feeds/all.json"])["hubs"]
    assert hubs == [{"type": "WebSub", "url": hub_url}]


def test_without_a_hub_no_hub_link_is_written() -> None:
    """No site.websub_hub, no rel=hub anywhere."""
    _, files = render_corpus(corpus_config(hub=None))
    assert not any(b'rel="hub"' in data or b'"hubs"' in data for data in files.values())


def test_a_publish_pings_exactly_the_feeds_it_changed(hub: Hub, tmp_path: Path) -> None:
    """From a written publish to the hub: changed feeds announced, an unchanged run silent."""
    config = corpus_config("https://example.org/", hub=hub.url)
    articles = corpus_articles()
    del articles["hypersonic"]
    write_outputs(LocalFolder(tmp_path), render_outputs(config, corpus_feeds(config, articles)))
    changed = write_outputs(LocalFolder(tmp_path), render_outputs(config, corpus_feeds(config)))
    assert ping(hub.url, changed_feed_urls(config, changed)) == []
    channels = ["all", "source/defense-weekly", "tag/industry", "tag/naval"]
    assert hub.topics() == sorted(
        f"https://example.org/feeds/{slug}.{fmt}"
        for slug in channels
        for fmt in ("rss", "atom", "json")
    )
    unchanged = write_outputs(LocalFolder(tmp_path), render_outputs(config, corpus_feeds(config)))
    assert changed_feed_urls(config, unchanged) == []
