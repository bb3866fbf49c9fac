"""The hand-written story corpus (tests/data/stories): articles and labelled pairs.

Each `<name>.txt` holds header lines (`story:`, `variant:`, `topic:`, `title:`, `url:`,
and optionally `canonical:`, `original:`, `published:`), a blank line, then the text.
Two files with one `story:` are copies of one story; every other pair is a pair of
different stories, "same-topic" when they share a `topic:` ("template" when that topic
is a `template:`), "unrelated" otherwise. The benchmark reads the same corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

from syndicator.models import Article
from syndicator.urls import stable_id

CORPUS = Path(__file__).parent / "data" / "stories"

# How hard a copy is to recognise from its text alone, easiest first. All but a heavy
# rewrite (a new text about the same event) must merge on text; a heavy rewrite is
# measured, and merges only when the copy's URLs say so.
VARIANTS = ("original", "copy", "trimmed", "rewrite", "excerpt", "heavy-rewrite")
MUST_MERGE_ON_TEXT = frozenset({"copy", "trimmed", "rewrite", "excerpt"})


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    name: str
    story: str
    variant: str
    topic: str
    article: Article


@dataclass(frozen=True, slots=True)
class Pair:
    a: CorpusArticle
    b: CorpusArticle
    same: bool
    kind: str

    @property
    def id(self) -> str:
        return f"{self.a.name}~{self.b.name}"


def load(path: Path) -> CorpusArticle:
    head, _, text = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    published = fields.get("published")
    when = datetime.fromisoformat(published) if published else None
    url = fields["url"]
    article = Article(
        id=stable_id(url=url, guid=None, title=fields["title"], published=when),
        url=url,
        title=fields["title"],
        content_html="",
        content_text=text.strip(),
        canonical_url=fields.get("canonical"),
        original_url=fields.get("original"),
        published=when,
    )
    return CorpusArticle(path.stem, fields["story"], fields["variant"], fields["topic"], article)


def articles() -> dict[str, CorpusArticle]:
    return {path.stem: load(path) for path in sorted(CORPUS.glob("*.txt"))}


def pairs() -> list[Pair]:
    """Every pair of corpus articles, labelled."""
    labelled = []
    for a, b in combinations(articles().values(), 2):
        if a.story == b.story:
            kind = max(a.variant, b.variant, key=VARIANTS.index)
            labelled.append(Pair(a, b, True, kind))
        elif a.topic == b.topic:
            kind = "template" if a.topic.startswith("template:") else "same-topic"
            labelled.append(Pair(a, b, False, kind))
        else:
            labelled.append(Pair(a, b, False, "unrelated"))
    return labelled
