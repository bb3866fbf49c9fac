"""Syndicator: clean, attributed, ad-free feeds from messy defense-news pages.

The library behind the `syndicator` command. The small public API:

    load_config(path) -> Config              validate sources.yaml (ConfigError lists every problem)
    extract_article(html, url) -> Article    clean, attributed, sanitized article from one page

The stages are modules of their own (`syndicator.pipeline` runs a pass, `syndicator.store`
is the database, `syndicator.publish` renders feeds). Values that flow between stages are
in `syndicator.models`; the exception tree is drawn in `syndicator.errors`.
"""

from __future__ import annotations

from .config import load_config
from .errors import (
    ConfigError,
    FetchError,
    ParseError,
    PublishError,
    StoreError,
    SyndicatorError,
)
from .extract import extract_article
from .models import Article, Config, Entry, FetchResult, RunReport, Source, SourceReport
from .version import __version__

__all__ = [
    "Article",
    "Config",
    "ConfigError",
    "Entry",
    "FetchError",
    "FetchResult",
    "ParseError",
    "PublishError",
    "RunReport",
    "Source",
    "SourceReport",
    "StoreError",
    "SyndicatorError",
    "__version__",
    "extract_article",
    "load_config",
]
