"""Walk the extraction corpus: every page in tests/corpus states what it expects.

Each `NAME.html` has a `NAME.yaml` beside it. Keys (all optional except `url`):
title, author, published, updated, language, canonical_url, original_url,
original_publisher, image, is_partial, partial_reason_contains, extracted_by,
text_starts_with, contains, not_contains, html_contains, html_not_contains.
The page is read as bytes, so each file's charset handling is part of the test.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from syndicator import extract_article
from syndicator.models import Article

CORPUS = Path(__file__).parent / "corpus"
PAGES = sorted(CORPUS.glob("*.html"))
SCALARS = (
    "title",
    "author",
    "language",
    "canonical_url",
    "original_url",
    "original_publisher",
    "image",
    "is_partial",
)


def expectations(page: Path) -> dict[str, Any]:
    data = yaml.safe_load(page.with_suffix(".yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "url" in data, f"{page.name}: sidecar needs a url"
    return data


def extract(page: Path) -> tuple[Article, dict[str, Any]]:
    expected = expectations(page)
    return extract_article(page.read_bytes(), expected["url"]), expected


def test_corpus_is_not_empty() -> None:
    """The corpus holds the pages the brief asks for, each with its sidecar."""
    names = {page.stem for page in PAGES}
    assert {"dod-article", "army-article", "republished-wordpress", "trade-press-paywall"} <= names
    for page in PAGES:
        assert page.with_suffix(".yaml").exists(), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_corpus_page_fields(page: Path) -> None:
    """Title, author, dates, attribution, image and partial flag match the sidecar."""
    article, expected = extract(page)
    for key in SCALARS:
        if key in expected:
            assert getattr(article, key) == expected[key], key
    for key in ("published", "updated"):
        if key in expected:
            value = getattr(article, key)
            wanted = expected[key]
            assert value == (datetime.fromisoformat(wanted) if wanted else None), key
            assert value is None or value.utcoffset() == timedelta(0), "not UTC"
    if "partial_reason_contains" in expected:
        assert expected["partial_reason_contains"] in (article.partial_reason or "")
    if "extracted_by" in expected:
        assert article.extracted_by.startswith(expected["extracted_by"])


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_corpus_page_text(page: Path) -> None:
    """The body keeps the story's own text and loses every boilerplate snippet."""
    article, expected = extract(page)
    text = article.content_text
    if "text_starts_with" in expected:
        assert text.startswith(expected["text_starts_with"]), text[:200]
    for snippet in expected.get("contains", []):
        assert snippet in text, snippet
    for snippet in expected.get("not_contains", []):
        assert snippet not in text, snippet
        assert snippet not in article.content_html, snippet


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_corpus_page_html(page: Path) -> None:
    """The published HTML keeps article markup and carries nothing executable."""
    article, expected = extract(page)
    html = article.content_html
    for snippet in expected.get("html_contains", []):
        assert snippet in html, snippet
    for snippet in expected.get("html_not_contains", []):
        assert snippet not in html, snippet
    for forbidden in ("<script", "<style", "<iframe", "<form", "javascript:"):
        assert forbidden not in html, forbidden
    assert not re.search(r"<[^>]*\son\w+\s*=", html), "event handler attribute"
    assert not re.search(r"""(?:href|src)="(?!https?://|mailto:)""", html), "relative URL"
    assert article.summary and len(article.summary) <= 401
    assert article.content_hash and article.id
