"""`syndicator demo`: run the whole pipeline against the sample site, then serve the result."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from ..config import load_config
from ..digest import digest_path
from ..errors import SyndicatorError
from ..models import Channel, Config, DigestReport, RunReport, StoredArticle
from ..pipeline import make_digest, run_pass
from ..report import format_report
from ..runtime import open_services
from ..serve import StaticServer, make_server
from .expected import EXPECTED
from .server import SampleSite

# Written into the demo folder so that a later run knows the folder is its own to reset.
MARKER = ".syndicator-demo"
OUTPUT_DIR = "public"
DATABASE = "syndicator.db"
_DEMO_FILES = ("sources.yaml", DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm")
_SHOWN_STORIES = 50


def run_demo(folder: Path, *, port: int, serve: bool, echo: Callable[[str], None]) -> None:
    """Start the sample site, run one pass into `folder`, then serve `folder/public` until Ctrl-C.

    The sample site's ports change on every run, so the folder starts afresh each time;
    only an empty folder or one an earlier demo made is used.
    """
    prepare_folder(folder)
    output = folder / OUTPUT_DIR
    output.mkdir()
    with SampleSite() as site:
        # Bind the result's port before the pass: a busy port fails at once, and port 0
        # (any free port) is known in time for base_url, which every self link uses.
        server = _bind(output, port) if serve else None
        try:
            base_url = f"http://127.0.0.1:{server.port if server else port}/"
            config_path = folder / "sources.yaml"
            yaml_text = site.sources_yaml(
                base_url=base_url, database=DATABASE, output_dir=OUTPUT_DIR
            )
            config_path.write_text(yaml_text, encoding="utf-8")
            echo(f"Sample site: fictional news sites on 127.0.0.1 (sources in {config_path})")
            for name, url in site.urls.items():
                echo(f"  {name:<12} {url}")
            echo("")
            config = load_config(config_path)
            report, stories, digests = _one_pass(config)
            echo(format_report(report, config))
            echo("")
            for line in story_lines(stories):
                echo(line)
            if server is None:
                echo(f"Database {config.database}; published files in {config.output_dir}")
                return
            echo("Open:")
            for label, url in [*_links(site, base_url), *_digest_links(base_url, digests)]:
                echo(f"  {label:<24} {url}")
            echo(f"Serving {config.output_dir} until Ctrl-C.")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                echo("Stopped.")
        finally:
            if server is not None:
                server.server_close()


def _bind(output: Path, port: int) -> StaticServer:
    try:
        return make_server(output, host="127.0.0.1", port=port)
    except OSError as exc:
        raise SyndicatorError(
            f"cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); "
            "choose another --port (0 picks a free one)"
        ) from exc


def _one_pass(config: Config) -> tuple[RunReport, list[StoredArticle], list[DigestReport]]:
    """One pass over every source, the stories it published (newest first), and each
    digest of the days the sample stories are dated (the pass made those of today's date)."""

    async def go() -> tuple[RunReport, list[StoredArticle], list[DigestReport]]:
        # workers=0: extract inline; starting a process pool costs more than it saves here.
        async with open_services(config, workers=0) as services:
            report = await run_pass(services)
            sample_day = EXPECTED["original_published"]
            digests = [
                await make_digest(
                    services,
                    spec,
                    sample_day.astimezone(ZoneInfo(spec.timezone)).date(),
                    send=False,
                )
                for spec in config.digests
            ]
            return report, services.store.recent(Channel("all"), _SHOWN_STORIES), digests

    return asyncio.run(go())


def story_lines(stories: list[StoredArticle]) -> list[str]:
    """Say which stories were found in more than one place and folded into one item."""
    merged = [stored for stored in stories if stored.appearances]
    lines = [f"{len(stories)} stories published; {len(merged)} also appeared elsewhere:"]
    for stored in merged:
        article = stored.article
        credit = article.original_publisher or stored.source_id
        lines.append(f'  "{article.title}", credited to {credit}')
        lines.extend(f"    also at {seen.source_name}: {seen.url}" for seen in stored.appearances)
    return [*lines, ""]


def _links(site: SampleSite, base_url: str) -> list[tuple[str, str]]:
    return [
        ("the index page", f"{base_url}index.html"),
        ("everything, as Atom", f"{base_url}feeds/all.atom"),
        ("everything, as RSS", f"{base_url}feeds/all.rss"),
        ("everything, as JSON Feed", f"{base_url}feeds/all.json"),
        ("every feed, as OPML", f"{base_url}feeds.opml"),
        ("the DoD original", site.url("dod", EXPECTED["original_path"])),
        ("its ad-laden copy", site.url("republisher", EXPECTED["copy_path"])),
    ]


def _digest_links(base_url: str, digests: list[DigestReport]) -> list[tuple[str, str]]:
    pages = [
        (
            f"digest {report.digest_id}",
            f"{base_url}{digest_path(report.digest_id, report.first_day, 'html')}",
        )
        for report in digests
    ]
    return [*pages, ("every digest", f"{base_url}digests/")] if pages else []


def prepare_folder(folder: Path) -> None:
    """Make `folder` an empty demo folder, removing only what an earlier demo run wrote."""
    if folder.exists() and not folder.is_dir():
        raise SyndicatorError(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if marker.exists():
        for name in _DEMO_FILES:
            (folder / name).unlink(missing_ok=True)
        shutil.rmtree(folder / OUTPUT_DIR, ignore_errors=True)
    elif any(folder.iterdir()):
        raise SyndicatorError(
            f"{folder} is not empty and was not made by `syndicator demo`; "
            "choose another folder with --dir"
        )
    marker.write_text("Written by `syndicator demo`, which resets this folder on each run.\n")
