"""A sample-site setup for the editors' command tests: a sources file with a topic feed
and per-source tests, one pass stored, and a way to run the CLI in-process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from syndicator.cli import main
from syndicator.demo import EXPECTED, SampleSite

BASE_URL = "https://feeds.example.org/"
TOPIC = """
feeds:
  - id: korea
    title: Korean Peninsula
    query: '"South Korea" OR ROK OR Pyongyang OR "Korean Peninsula"'
    tags: [official]
"""
DOD_TESTS = """    tests:
      - url: {url}
        contains: ["{sentence}"]
        not_contains: ["Related Links", "Share:", "Subscribe to Defense.gov Products"]
"""


@pytest.fixture(scope="module", name="site")
def running_site() -> Iterator[SampleSite]:
    """The sample site, running for one test module (import this fixture to use it)."""
    with SampleSite() as running:
        yield running


def cli(config: Path, *args: str) -> Result:
    """Run `syndicator --config CONFIG ARGS…` in-process, stderr apart from stdout."""
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def write_sources(site: SampleSite, folder: Path, *, drop: tuple[str, ...] = ()) -> Path:
    """The sample site's sources file with a topic feed and tests on the DoD source;
    the sources in `drop` (by the comment line that introduces them) are left out."""
    text = site.sources_yaml(base_url=BASE_URL)
    for marker in drop:
        start = text.index(marker)
        end = text.find("\n\n", start)
        text = text[:start] + (text[end + 2 :] if end != -1 else "")
    url = site.url(EXPECTED["original_site"], EXPECTED["original_path"])
    tests = DOD_TESTS.format(url=url, sentence=EXPECTED["original_sentences"][0])
    anchor = "    remove_selectors: [div.related-links, a.download]\n"
    text = text.replace(anchor, anchor + tests) + TOPIC
    path = folder / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def copy_of(config: Path, folder: Path) -> Path:
    """A private copy of a sources file with its database and output (tests may mutate it)."""
    shutil.copytree(config.parent, folder, dirs_exist_ok=True)
    return folder / config.name


def feed_titles(config: Path, slug: str) -> list[str]:
    data: dict[str, Any] = json.loads(
        (config.parent / "public" / "feeds" / f"{slug}.json").read_text(encoding="utf-8")
    )
    return [item["title"] for item in data["items"]]
