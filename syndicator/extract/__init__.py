"""Page -> article body, title, author, dates, images (see `article.extract_article`)."""

from __future__ import annotations

from .article import extract_article

__all__ = ["extract_article"]
