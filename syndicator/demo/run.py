"""`syndicator demo`: run the whole pipeline against the sample site, then serve the result."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

from ..errors import SyndicatorError
from ..models import Config, RunReport
from .expected import EXPECTED
from .server import SampleSite

# Written into the demo folder so a later run knows the folder is its own to reset.
MARKER = ".syndicator-demo"
_DEMO_FILES = ("sources.yaml", "syndicator.db", "syndicator.db-wal", "syndicator.db-shm")
_OUTPUT_DIR = "public"


def run_demo(folder: Path, *, port: int, serve: bool, echo: Callable[[str], None]) -> None:
    """Start the sample site, run one pass into `folder`, then serve `folder/public` until Ctrl-C.

    The sample site's ports change on every run, so the folder starts afresh each time
    (only a folder the demo made itself, or an empty one, is used).
    """
    # Imported here so that importing the sample site alone (as tests and the worker
    # test do) does not load the pipeline, the fetcher and the publisher.
    from ..config import load_config
    from ..report import format_report
    from ..serve import make_server

    _prepare(folder)
    output = folder / _OUTPUT_DIR
    output.mkdir(exist_ok=True)
    with SampleSite() as site:
        # Bind the result's port before the pass, so a busy port fails fast and port 0
        # (any free port) is known in time for base_url and every self link.
        server = make_server(output, host="127.0.0.1", port=port) if serve else None
        try:
            shown_port = server.server_port if server is not None else port
            base_url = f"http://127.0.0.1:{shown_port}/"
            config_path = folder / "sources.yaml"
            config_path.write_text(
                site.sources_yaml(base_url=base_url, output_dir=_OUTPUT_DIR), encoding="utf-8"
            )
            echo(f"Sample site (fictional news sites on 127.0.0.1), configured in {config_path}:")
            for name, url in site.urls.items():
                echo(f"  {name:<12} {url}")
            config = load_config(config_path)
            echo("Running one pass over the sample site...")
            echo(format_report(_one_pass(config), config))
            echo(f"Wrote {config.database} and {config.output_dir}/")
            if server is None:
                return
            echo("")
            echo("Open:")
            for label, path in _links(site):
                echo(
                    f"  {label:<22} {base_url}{path}"
                    if "://" not in path
                    else f"  {label:<22} {path}"
                )
            echo("Serving until Ctrl-C.")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                echo("Stopped.")
        finally:
            if server is not None:
                server.server_close()


def _one_pass(config: Config) -> RunReport:
    from ..pipeline import run_pass
    from ..runtime import open_services

    async def go() -> RunReport:
        # workers=0: extract inline; a process pool would cost more than it saves here.
        async with open_services(config, workers=0) as services:
            return await run_pass(services)

    return asyncio.run(go())


def _links(site: SampleSite) -> list[tuple[str, str]]:
    return [
        ("the index page", "index.html"),
        ("everything, Atom", "feeds/all.atom"),
        ("everything, RSS", "feeds/all.rss"),
        ("everything, JSON Feed", "feeds/all.json"),
        ("all feeds, OPML", "feeds.opml"),
        ("the DoD original", site.url("dod", EXPECTED["original_path"])),
        ("the ad-laden copy", site.url("republisher", EXPECTED["copy_path"])),
    ]


def _prepare(folder: Path) -> None:
    """Make `folder` an empty demo folder, clearing only what an earlier demo run wrote."""
    if folder.exists() and not folder.is_dir():
        raise SyndicatorError(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.exists():
        if any(folder.iterdir()):
            raise SyndicatorError(
                f"{folder} is not empty and was not made by `syndicator demo`; "
                "choose another folder with --dir"
            )
    else:
        for name in _DEMO_FILES:
            (folder / name).unlink(missing_ok=True)
        shutil.rmtree(folder / _OUTPUT_DIR, ignore_errors=True)
    marker.write_text("This folder is written by `syndicator demo` and reset on each run.\n")
