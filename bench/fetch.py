"""Fetch benchmark: N sources x M article pages on a loopback farm with fixed latency.

Runs two passes against `bench/loopback.py` (started as a child process): a first pass
where everything is new, and a second with nothing changed, which should be almost all
304s. For each it reports wall time, requests/s, the share answered 304, peak memory,
and the ratio to the ideal wall time (requests x latency / effective concurrency, where
effective concurrency = min(concurrency, sources x per_host_concurrency)).

    python bench/fetch.py                       # 500 sources x 10 pages, 100 ms latency
    python bench/fetch.py --mode fetcher        # the Fetcher alone, the pipeline's walk mimicked
    python bench/fetch.py --sources 50 --pages 5 --json bench/results/fetch.json

--mode pipeline (the default when syndicator.pipeline imports) drives the real pipeline
end to end: a generated sources.yaml, a real SQLite file, extraction and publishing.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from loopback import host_address

from syndicator.errors import FetchError, ParseError
from syndicator.fetch import Fetcher, MemoryRobotsCache
from syndicator.models import FetchSettings, Validators

HERE = Path(__file__).resolve().parent
ITEM_LINK = re.compile(rb"<item>.*?<link>([^<]+)</link>", re.S)


@dataclass
class PassResult:
    name: str
    wall: float
    requests: int
    not_modified: int
    ideal: float
    peak_mib: float
    cpu: float  # seconds of CPU this process spent in the pass
    failures: dict[str, int]
    worker_peak_mib: float = 0.0  # pipeline mode: the extraction workers, together
    worker_cpu: float = 0.0

    @property
    def ratio(self) -> float:
        return self.wall / self.ideal if self.ideal else float("nan")

    @property
    def share_304(self) -> float:
        return self.not_modified / self.requests if self.requests else 0.0


def peak_mib() -> float:
    """Peak resident memory of this process (the fetcher, or the pipeline's event loop).

    Extraction workers are the pipeline's grandchildren (forkserver) and are not counted.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- the loopback farm -------------------------------------------------------------------


class FarmProcess:
    def __init__(self, args: argparse.Namespace) -> None:
        command = [
            sys.executable,
            str(HERE / "loopback.py"),
            f"--sources={args.sources}",
            f"--pages={args.pages}",
            f"--latency={args.latency}",
        ]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if line[:1] != ["READY"]:
            self.close()
            raise SystemExit("the loopback farm did not start")
        self.port = int(line[1])

    def feed_url(self, index: int) -> str:
        return f"http://{host_address(index)}:{self.port}/feed.xml"

    async def stats(self) -> Counter[str]:
        async with httpx.AsyncClient(trust_env=False) as client:
            response = await client.get(f"http://{host_address(0)}:{self.port}/__stats")
        return Counter(response.json())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


# --- the two ways to drive it ----------------------------------------------------------------


class FetcherWalk:
    """The pipeline's walk with the Fetcher alone: feed, then its new pages; validators kept."""

    def __init__(self, farm: FarmProcess, settings: FetchSettings, sources: int) -> None:
        self.farm, self.settings, self.sources = farm, settings, sources
        self.robots = MemoryRobotsCache()  # kept between passes, as the store keeps it
        self.validators: dict[str, Validators] = {}
        self.failures: Counter[str] = Counter()

    async def run_pass(self) -> None:
        async with Fetcher(self.settings, robots=self.robots) as fetcher:
            await asyncio.gather(*(self._source(fetcher, n) for n in range(self.sources)))

    async def _source(self, fetcher: Fetcher, index: int) -> None:
        url = self.farm.feed_url(index)
        feed = await self._fetch(fetcher, url, "feed")
        if feed is None or feed.not_modified:
            return
        links = [link.decode() for link in ITEM_LINK.findall(feed.body)]
        del feed
        await asyncio.gather(*(self._page(fetcher, link) for link in links))

    async def _page(self, fetcher: Fetcher, url: str) -> None:
        """A page is decoded, as extraction would, and dropped: only the fetcher is measured."""
        page = await self._fetch(fetcher, url, "page")
        if page is not None and not page.not_modified:
            page.text()

    async def _fetch(self, fetcher: Fetcher, url: str, kind: Any) -> Any:
        try:
            result = await fetcher.fetch(
                url, validators=self.validators.get(url, Validators()), kind=kind
            )
        except (FetchError, ParseError) as exc:
            self.failures[exc.kind] += 1
            return None
        self.validators[url] = result.validators
        return result


class PipelineWalk:
    """The real pipeline: generated sources.yaml, a SQLite file, extraction and publishing."""

    def __init__(self, farm: FarmProcess, args: argparse.Namespace, folder: Path) -> None:
        from syndicator.config import load_config

        lines = [
            "database: bench.db",
            "output_dir: public",
            "site:",
            "  base_url: http://127.0.0.1:8080/",
            "fetch:",
            "  allow_hosts: [127.0.0.0/8]",
            f"  concurrency: {args.concurrency}",
            f"  per_host_concurrency: {args.per_host_concurrency}",
            f"  per_host_delay: {args.per_host_delay}s",
            "sources:",
        ]
        for n in range(args.sources):
            lines += [
                f"  - id: source-{n}",
                f"    name: Loopback source {n}",
                f"    url: {farm.feed_url(n)}",
                f"    max_entries: {args.pages}",
            ]
        path = folder / "sources.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.config = load_config(path)
        self.workers: int | None = args.workers
        self.failures: Counter[str] = Counter()
        self.workers_seen: tuple[float, float] = (0.0, 0.0)

    async def run_pass(self) -> None:
        from syndicator.pipeline import run_pass
        from syndicator.runtime import open_services

        async with open_services(self.config, workers=self.workers) as services:
            report = await run_pass(services, force=True)
            self.workers_seen = worker_usage(services.executor)
        for source in report.sources:
            for failure in source.failures:
                self.failures[f"{failure.stage}:{failure.kind}"] += 1


def worker_usage(executor: object) -> tuple[float, float]:
    """(sum of peak MiB, CPU seconds) of the extraction worker processes, read from /proc
    before the pool shuts down (they are not our children, so rusage does not see them)."""
    peak_kib, ticks = 0, 0
    for pid in getattr(executor, "_processes", None) or {}:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        peak_kib += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return peak_kib / 1024, ticks / os.sysconf("SC_CLK_TCK")


def pipeline_available() -> bool:
    try:
        importlib.import_module("syndicator.runtime")  # imports the pipeline and its stages
    except ImportError:
        return False
    return True


# --- measuring -----------------------------------------------------------------------------------


async def measure(
    walk: FetcherWalk | PipelineWalk, farm: FarmProcess, name: str, args: argparse.Namespace
) -> PassResult:
    before = await farm.stats()
    failures_before = Counter(walk.failures)
    started, cpu_started = time.perf_counter(), time.process_time()
    await walk.run_pass()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    worker_peak, worker_cpu = getattr(walk, "workers_seen", (0.0, 0.0))
    after = await farm.stats()
    requests = after["requests"] - before["requests"]
    effective = min(args.concurrency, args.sources * args.per_host_concurrency)
    return PassResult(
        name=name,
        wall=wall,
        requests=requests,
        not_modified=after["status_304"] - before["status_304"],
        ideal=requests * args.latency / effective,
        peak_mib=peak_mib(),
        cpu=cpu,
        failures=dict(walk.failures - failures_before),
        worker_peak_mib=worker_peak,
        worker_cpu=worker_cpu,
    )


def table(results: list[PassResult]) -> str:
    rows = [
        "| pass | requests | wall (s) | requests/s | 304 share | ideal (s) | wall / ideal "
        "| peak memory (MiB) | workers' peak (MiB) | CPU s: loop + workers |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.requests} | {r.wall:.2f} | {r.requests / r.wall:.0f} | "
            f"{r.share_304:.1%} | {r.ideal:.2f} | {r.ratio:.2f} | {r.peak_mib:.0f} | "
            f"{r.worker_peak_mib:.0f} | {r.cpu:.1f} + {r.worker_cpu:.1f} |"
        )
    return "\n".join(rows)


def verdict(first: PassResult, second: PassResult) -> list[str]:
    # Everything the pass holds at once: the event loop's process and its workers.
    peak = max(r.peak_mib + r.worker_peak_mib for r in (first, second))
    checks = [
        (f"first pass <= 1.3x ideal ({first.ratio:.2f}x)", first.ratio <= 1.3),
        (
            f"second pass <= 10% of the first ({second.wall / first.wall:.1%})",
            second.wall <= 0.1 * first.wall,
        ),
        (
            f">= 95% of second-pass requests answered 304 ({second.share_304:.1%})",
            second.share_304 >= 0.95,
        ),
        (
            f"peak memory, workers included, <= 300 MiB ({peak:.0f} MiB)",
            peak <= 300,
        ),
    ]
    return [f"{'PASS' if ok else 'FAIL'}  {text}" for text, ok in checks]


async def main_async(args: argparse.Namespace) -> int:
    farm = FarmProcess(args)
    try:
        with tempfile.TemporaryDirectory(prefix="syndicator-bench-") as folder:
            if args.mode == "pipeline":
                walk: FetcherWalk | PipelineWalk = PipelineWalk(farm, args, Path(folder))
            else:
                settings = FetchSettings(
                    allow_hosts=("127.0.0.0/8",),
                    concurrency=args.concurrency,
                    per_host_concurrency=args.per_host_concurrency,
                    per_host_delay=timedelta(seconds=args.per_host_delay),
                    user_agent="syndicator-bench/1.0 (+http://127.0.0.1/)",
                )
                walk = FetcherWalk(farm, settings, args.sources)
            first = await measure(walk, farm, "first (all new)", args)
            second = await measure(walk, farm, "second (nothing changed)", args)
    finally:
        farm.close()
    results = [first, second]
    print(
        f"mode={args.mode} sources={args.sources} pages={args.pages} "
        f"latency={args.latency * 1000:.0f}ms concurrency={args.concurrency} "
        f"per_host={args.per_host_concurrency} per_host_delay={args.per_host_delay}s"
    )
    print(table(results))
    for result in results:
        if result.failures:
            print(f"failures in {result.name}: {result.failures}")
    lines = verdict(first, second)
    print("\n".join(lines))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        payload = {"args": vars(args), "passes": [asdict(r) | {"ratio": r.ratio} for r in results]}
        Path(args.json).write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0 if all(line.startswith("PASS") for line in lines) else 1


def main() -> None:
    defaults = FetchSettings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--pages", type=int, default=10, help="article pages per source")
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds added to every response"
    )
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--per-host-concurrency", type=int, default=defaults.per_host_concurrency)
    parser.add_argument(
        "--per-host-delay", type=float, default=defaults.per_host_delay.total_seconds()
    )
    parser.add_argument("--mode", choices=("pipeline", "fetcher"), default=None)
    parser.add_argument("--workers", type=int, default=None, help="pipeline extraction processes")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if args.mode is None:
        args.mode = "pipeline" if pipeline_available() else "fetcher"
    if args.sources > 250 * 256:
        parser.error("at most 64000 sources (one loopback address each)")
    raise SystemExit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
