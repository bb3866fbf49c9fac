"""Per-source regression tests: does a page still clean the way the editor expects?

Pure: a `SourceTest` from sources.yaml and the article extracted from its page in, a
`SourceTestResult` out. `contains` texts must be in the cleaned text; `not_contains`
texts in neither the cleaned text nor its HTML (so leaked markup, trackers and ad
scripts are caught too). Texts are compared case-sensitively, with every run of
whitespace counted as one space.

Saved pages (`syndicator sources test --save DIR`, read back with `--offline DIR`) are
named by `saved_page_path`: `<source id>/<last path segment>-<8 hex digits>.html`, the
digits a hash of the test's URL, so a page keeps its name when tests are reordered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from .models import Article, SourceTest

_SPACE = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SourceTestResult:
    """One test of one source: what was missing, what should not have been there."""

    source_id: str
    url: str
    missing: tuple[str, ...] = ()
    unwanted: tuple[str, ...] = ()
    error: str | None = None  # the page could not be had, so nothing was checked

    @property
    def passed(self) -> bool:
        return self.error is None and not self.missing and not self.unwanted


def check_article(source_id: str, test: SourceTest, article: Article) -> SourceTestResult:
    """Check an article cleaned from `test.url` against the test's expectations."""
    text = _folded(article.content_text)
    html = _folded(article.content_html)
    missing = tuple(want for want in test.contains if _folded(want) not in text)
    unwanted = tuple(
        text_ for text_ in test.not_contains if _folded(text_) in text or _folded(text_) in html
    )
    return SourceTestResult(source_id, test.url, missing, unwanted)


def saved_page_path(source_id: str, url: str) -> PurePosixPath:
    """Where a test's page is saved inside the folder of `--save` / `--offline`."""
    segments = [part for part in urlsplit(url).path.split("/") if part]
    stem = _UNSAFE.sub("-", (segments[-1] if segments else "index").lower()).strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return PurePosixPath(source_id, f"{stem[:60] or 'page'}-{digest}.html")


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
