"""Page -> article body, title, author, dates, images (see `article.extract_article`).

`render_article` formats the result for editors (`syndicator extract --format`).
"""

from __future__ import annotations

from .article import extract_article
from .render import FORMATS, article_to_dict, render_article

__all__ = ["FORMATS", "article_to_dict", "extract_article", "render_article"]
