"""Show an extracted `Article` to an editor: `syndicator extract FILE_OR_URL --format …`.

`render_article(article, "text" | "html" | "json")` returns the whole output as a
string; the CLI only prints it. The HTML is a standalone page around the already
sanitized body; every other value is escaped.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from html import escape
from typing import Any, Literal

from ..models import Article

OutputFormat = Literal["text", "html", "json"]
FORMATS: tuple[OutputFormat, ...] = ("text", "html", "json")


def article_to_dict(article: Article) -> dict[str, Any]:
    """The article as JSON-ready data: datetimes in RFC 3339, tuples as lists."""
    data = dataclasses.asdict(article)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
        elif isinstance(value, tuple):
            data[key] = list(value)
    return data


def _facts(article: Article) -> list[tuple[str, str]]:
    facts = [
        ("URL", article.url),
        ("Canonical", article.canonical_url or ""),
        ("Author", article.author or ""),
        ("Published", article.published.isoformat() if article.published else ""),
        ("Updated", article.updated.isoformat() if article.updated else ""),
        ("Language", article.language or ""),
        ("Image", article.image or ""),
        ("Extracted by", article.extracted_by),
    ]
    if article.original_url:
        who = article.original_publisher or article.original_url
        facts.append(("Originally published by", f"{who} <{article.original_url}>"))
    if article.is_partial:
        facts.append(("Partial", article.partial_reason or "yes"))
    return [(name, value) for name, value in facts if value]


def render_text(article: Article) -> str:
    """Title, the facts an editor checks, then the plain text."""
    lines = [article.title or "(no title)", "=" * min(len(article.title or "(no title)"), 79)]
    lines += [f"{name}: {value}" for name, value in _facts(article)]
    return "\n".join([*lines, "", article.content_text]).rstrip() + "\n"


def render_html(article: Article) -> str:
    """A standalone page: escaped title and facts, the sanitized body as is."""
    title = escape(article.title or "(no title)")
    facts = "\n".join(
        f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in _facts(article)
    )
    lang = f' lang="{escape(article.language)}"' if article.language else ""
    return (
        f'<!DOCTYPE html>\n<html{lang}>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"<dl>\n{facts}\n</dl>\n<article>\n{article.content_html}\n</article>\n"
        "</body>\n</html>\n"
    )


def render_json(article: Article) -> str:
    """Every field of the article as pretty-printed JSON."""
    return json.dumps(article_to_dict(article), ensure_ascii=False, indent=2) + "\n"


def render_article(article: Article, output_format: OutputFormat = "text") -> str:
    """The article in one of `FORMATS`; ValueError for anything else."""
    if output_format == "text":
        return render_text(article)
    if output_format == "html":
        return render_html(article)
    if output_format == "json":
        return render_json(article)
    raise ValueError(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
