"""Decide when two articles are one story (interim: URL identity only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .models import Article
from .urls import identity_key


@dataclass(frozen=True, slots=True)
class StorySignature:
    url_keys: tuple[str, ...]

    def to_text(self) -> str:
        return json.dumps({"u": list(self.url_keys)})

    @classmethod
    def from_text(cls, text: str) -> StorySignature:
        return cls(tuple(json.loads(text)["u"]))


def signature(article: Article) -> StorySignature:
    urls = (article.url, article.canonical_url, article.original_url)
    return StorySignature(tuple(dict.fromkeys(identity_key(u) for u in urls if u)))


def lookup_keys(sig: StorySignature) -> tuple[str, ...]:
    return tuple(f"url:{key}" for key in sig.url_keys)


def match(a: StorySignature, b: StorySignature) -> str | None:
    return "same-url" if set(a.url_keys) & set(b.url_keys) else None


def representative(articles: Sequence[Article]) -> int:
    for index, article in enumerate(articles):
        if article.original_url and identity_key(article.original_url) == identity_key(article.url):
            return index
    return 0
