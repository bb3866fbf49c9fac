"""How fast publishing is, and how much memory it takes, on a synthetic site.

    python bench/bench_publish.py                 # 40 sources, 8 tags, 50 items per feed
    python bench/bench_publish.py --sources 200 --repeat 3

Measures render_outputs (all feeds, OPML, index), write_outputs to a fresh folder and
again with nothing changed (the common case of a scheduled run), peak Python memory
while rendering, and the static server answering 200s and 304s on loopback.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syndicator.models import (
    Appearance,
    Article,
    Channel,
    Config,
    SiteSettings,
    Source,
    StoredArticle,
)
from syndicator.publish import LocalFolder, channels_for, render_outputs, write_outputs
from syndicator.serve import make_server

T0 = datetime(2024, 10, 30, tzinfo=UTC)
# Cleaned articles mostly carry absolute URLs already; one paragraph in twelve does not.
PARAGRAPH = (
    "<p>Officials described the exercise as the largest of its kind in the region, with "
    'ships, aircraft and <a href="https://s.example.com/units/">ground units</a> from several '
    'allies taking part over two weeks. <img src="https://s.example.com/img/photo.jpg" '
    'alt="photo"> Planners said the drills would test logistics and communications.</p>'
)
RELATIVE_PARAGRAPH = '<p>See <a href="../related/">related</a> <img src="img/map.png" alt=""></p>'


def synthetic_site(
    sources: int, tags: int, per_source: int
) -> tuple[Config, dict[Channel, list[StoredArticle]]]:
    tag_names = [f"tag-{index}" for index in range(tags)]
    source_list = tuple(
        Source(
            id=f"source-{index}",
            name=f"Source Number {index}",
            url=f"https://s{index}.example.com/feed",
            tags=(tag_names[index % tags], tag_names[(index + 3) % tags]),
            publish="summary" if index % 5 == 0 else "full",
        )
        for index in range(sources)
    )
    config = Config(
        path=Path("sources.yaml"),
        database=Path("db.sqlite"),
        output_dir=Path("public"),
        site=SiteSettings(base_url="https://news.example.org/"),
        sources=source_list,
    )
    stored: list[StoredArticle] = []
    for source_index, source in enumerate(source_list):
        for item in range(per_source):
            when = T0 - timedelta(minutes=7 * item + source_index)
            article = Article(
                id=f"{source_index:08x}{item:08x}{0:08x}",
                url=f"https://s{source_index}.example.com/news/{item}/story.html",
                title=f"Story {item} from source {source_index}: allies drill &amp; plan",
                content_html=PARAGRAPH * 11 + RELATIVE_PARAGRAPH,
                content_text="Officials described the exercise as the largest of its kind. " * 20,
                original_url="https://www.war.gov/News/story" if item % 3 == 0 else None,
                original_publisher="U.S. Department of Defense" if item % 3 == 0 else None,
                author="Staff Writer",
                published=when,
            )
            appearances = (Appearance("source-0", "Source Number 0", "https://s0.example.com/x"),)
            stored.append(
                StoredArticle(
                    article,
                    source.id,
                    when,
                    when,
                    f"story-{source_index}-{item}",
                    appearances if item % 4 == 0 else (),
                )
            )
    feeds: dict[Channel, list[StoredArticle]] = {}
    for channel in channels_for(config):
        if channel.kind == "all":
            feeds[channel] = stored
        elif channel.kind == "source":
            feeds[channel] = [s for s in stored if s.source_id == channel.key]
        else:
            members = {s.id for s in source_list if channel.key in s.tags}
            feeds[channel] = [s for s in stored if s.source_id in members]
    return config, feeds


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, seconds: list[float], unit: str = "ms") -> None:
    scale = 1000.0
    print(
        f"{name:<42} min {min(seconds) * scale:8.1f} {unit}   "
        f"median {statistics.median(seconds) * scale:8.1f} {unit}   (n={len(seconds)})"
    )


def bench_server(root: Path, requests: int) -> None:
    server = make_server(root)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/feeds/all.rss")
        response = connection.getresponse()
        response.read()
        etag = response.getheader("ETag") or ""
        for label, headers in (
            ("GET /feeds/all.rss 200", {}),
            ("GET /feeds/all.rss 200 gzip", {"Accept-Encoding": "gzip"}),
            ("GET /feeds/all.rss 304", {"If-None-Match": etag}),
        ):
            start = time.perf_counter()
            for _ in range(requests):
                connection.request("GET", "/feeds/all.rss", headers=headers)
                answer = connection.getresponse()
                answer.read()
            elapsed = time.perf_counter() - start
            print(
                f"server {label:<35} {requests / elapsed:8.0f} requests/s (one keep-alive client)"
            )
        connection.close()
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=40)
    parser.add_argument("--tags", type=int, default=8)
    parser.add_argument("--per-source", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    config, feeds = synthetic_site(args.sources, args.tags, args.per_source)
    articles = sum(len(items) for channel, items in feeds.items() if channel.kind == "source")
    channels = len(feeds)
    print(
        f"site: {args.sources} sources, {args.tags} tags, {channels} channels, {articles} articles"
    )

    tracemalloc.start()
    files = render_outputs(config, feeds)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(len(data) for data in files.values())
    print(
        f"output: {len(files)} files, {size / 1e6:.1f} MB; peak Python memory while rendering "
        f"{peak / 1e6:.1f} MB"
    )

    report("render_outputs", timed(lambda: render_outputs(config, feeds), args.repeat))
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(10**6))
        report(
            "write_outputs, fresh folder",
            timed(
                lambda: write_outputs(LocalFolder(Path(folder) / str(next(counter))), files),
                args.repeat,
            ),
        )
        steady = LocalFolder(Path(folder) / "steady")
        write_outputs(steady, files)
        report(
            "write_outputs, nothing changed",
            timed(lambda: write_outputs(steady, files), args.repeat),
        )
        bench_server(Path(folder) / "steady", args.requests)


if __name__ == "__main__":
    main()
