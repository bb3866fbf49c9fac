"""Measure the story matcher: precision, recall, candidate recall and speed.

    python bench/stories.py            # both pair sets, at the default thresholds
    python bench/stories.py --sweep    # also a grid of thresholds on both sets

Two labelled pair sets, matched on text alone (URLs removed: URL evidence is exact by
construction, the text matcher is what can be wrong):

- corpus: the hand-written stories in tests/data/stories: copies, trimmed copies, light
  and heavy rewrites, an excerpt, same-topic different stories (the SCM and the 2+2),
  templated releases, unrelated stories; every pair of files is labelled.
- derived: the 181 real article texts of ../shared/bench/extraction/ground-truth.json.
  Positives are programmatic copies (bench/story_rewrites.py); negatives are pairs of
  different articles, and copies of one article against other articles.

Speed is measured in-process with perf_counter over every article; the figures are
per call.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations, product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import story_corpus  # noqa: E402
import story_rewrites  # noqa: E402

from syndicator.models import Article  # noqa: E402
from syndicator.stories import (  # noqa: E402
    DEFAULT_THRESHOLDS,
    StorySignature,
    Thresholds,
    lookup_keys,
    match,
    signature,
)

GROUND_TRUTH = ROOT.parent / "shared" / "bench" / "extraction" / "ground-truth.json"
HARD_KINDS = frozenset({"heavy-rewrite"})  # reported, not required


@dataclass(frozen=True, slots=True)
class LabelledPair:
    a: StorySignature
    b: StorySignature
    same: bool
    kind: str


def text_signature(article: Article) -> StorySignature:
    return replace(signature(article), pages=(), original=None)


def corpus_pairs() -> list[LabelledPair]:
    signatures = {name: text_signature(c.article) for name, c in story_corpus.articles().items()}
    return [
        LabelledPair(signatures[p.a.name], signatures[p.b.name], p.same, p.kind)
        for p in story_corpus.pairs()
    ]


def derived_articles(path: Path) -> dict[str, dict[str, Article]]:
    """Each ground-truth text as an original, with its programmatic variants."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Article]] = {}
    for key, item in sorted(data.items()):
        text, url = item["articleBody"], item["url"]
        slug = url.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
        title = " ".join(slug.split()[:12]) or "untitled"
        rng = random.Random(key)
        variants = {
            "original": Article(id=key, url=url, title=title, content_html="", content_text=text)
        }
        for kind, rewrite in story_rewrites.VARIANTS.items():
            new_title = title if kind != "rewrite" else " ".join(text.split()[:8])
            variants[kind] = Article(
                id=f"{key}-{kind}",
                url=f"https://copy.example/{kind}/{key}",
                title=new_title,
                content_html="",
                content_text=rewrite(text, rng),
            )
        out[key] = variants
    return out


def derived_pairs(articles: dict[str, dict[str, Article]]) -> list[LabelledPair]:
    sigs = {k: {kind: text_signature(a) for kind, a in v.items()} for k, v in articles.items()}
    pairs: list[LabelledPair] = []
    keys = sorted(sigs)
    for key in keys:
        own = sigs[key]
        for kind in story_rewrites.VARIANTS:
            pairs.append(LabelledPair(own["original"], own[kind], True, kind))
        pairs.append(LabelledPair(own["copy"], own["rewrite"], True, "rewrite"))
        pairs.append(LabelledPair(own["trimmed"], own["rewrite"], True, "rewrite"))
    for a, b in combinations(keys, 2):
        pairs.append(LabelledPair(sigs[a]["original"], sigs[b]["original"], False, "different"))
    rng = random.Random(181)
    for key in keys:
        for kind in story_rewrites.VARIANTS:
            for other in rng.sample([k for k in keys if k != key], 10):
                pairs.append(
                    LabelledPair(sigs[key][kind], sigs[other]["original"], False, "different")
                )
    return pairs


def template_pairs(articles: dict[str, dict[str, Article]]) -> list[LabelledPair]:
    """Hard negatives: two different stories wrapped in one shared boilerplate text.

    Like templated releases, each text is a shared part (paragraphs of a third article)
    and a part of its own; the shared part is a given share of each text's words.
    """
    texts = [articles[key]["original"].content_text for key in sorted(articles)]
    pairs = []
    for index in range(len(texts)):
        own_a, own_b, shared = (texts[(index + step) % len(texts)] for step in (0, 1, 2))
        for share in (0.5, 0.6, 0.7):
            pair = [
                _templated(shared, own, share, f"t{index}-{side}")
                for side, own in enumerate((own_a, own_b))
            ]
            pairs.append(LabelledPair(*map(text_signature, pair), False, f"template {share:.0%}"))
    return pairs


def _templated(shared: str, own: str, share: float, ident: str) -> Article:
    own_words = own.split()[:300]
    shared_words = shared.split()[: round(len(own_words) * share / (1 - share))]
    text = " ".join(
        shared_words[: len(shared_words) // 2] + own_words + shared_words[len(shared_words) // 2 :]
    )
    return Article(
        id=ident,
        url=f"https://t.example/{ident}",
        title="Notice",
        content_html="",
        content_text=text,
    )


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    recall_by_kind: dict[str, tuple[int, int]]
    false_positives_by_kind: dict[str, int]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self, *, hard: bool) -> float:
        found = sum(f for k, (f, _) in self.recall_by_kind.items() if hard or k not in HARD_KINDS)
        total = sum(t for k, (_, t) in self.recall_by_kind.items() if hard or k not in HARD_KINDS)
        return found / total if total else 1.0


def score(pairs: list[LabelledPair], thresholds: Thresholds) -> Score:
    counts: Counter[str] = Counter()
    found: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    false_positives: Counter[str] = Counter()
    for pair in pairs:
        merged = match(pair.a, pair.b, thresholds=thresholds) is not None
        if pair.same:
            totals[pair.kind] += 1
            found[pair.kind] += merged
            counts["tp" if merged else "fn"] += 1
        else:
            counts["fp" if merged else "tn"] += 1
            false_positives[pair.kind] += merged
    by_kind = {kind: (found[kind], totals[kind]) for kind in totals}
    return Score(
        counts["tp"], counts["fp"], counts["fn"], counts["tn"], by_kind, dict(false_positives)
    )


def report(name: str, pairs: list[LabelledPair], thresholds: Thresholds) -> None:
    result = score(pairs, thresholds)
    keys: dict[int, set[str]] = {}
    for pair in pairs:
        for sig in (pair.a, pair.b):
            keys.setdefault(id(sig), set(lookup_keys(sig)))
    candidates: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for pair in pairs:
        label = f"{pair.kind} ({'same story' if pair.same else 'different stories'})"
        totals[label] += 1
        candidates[label] += bool(keys[id(pair.a)] & keys[id(pair.b)])
    merged = {f"{k} (same story)": hit for k, (hit, _) in result.recall_by_kind.items()}
    merged |= {f"{k} (different stories)": n for k, n in result.false_positives_by_kind.items()}
    same = sum(p.same for p in pairs)
    print(f"\n## {name}: {len(pairs)} pairs ({same} same story, {len(pairs) - same} different)\n")
    print("| kind | pairs | merged | share a lookup key |")
    print("| --- | --- | --- | --- |")
    for label in sorted(totals):
        total = totals[label]
        print(f"| {label} | {total} | {merged.get(label, 0)} | {candidates[label] / total:.3f} |")
    print(
        f"\nprecision {result.precision:.3f}, recall {result.recall(hard=False):.3f} "
        f"(with heavy rewrites: {result.recall(hard=True):.3f})"
    )


def sweep(pairs: list[LabelledPair]) -> None:
    print("\n## threshold sweep (both sets)\n")
    print(
        "| near_identical | rewrite_shingles | rewrite_words | precision | recall | false merges |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for near, shingles, words in product((0.7, 0.8, 0.9), (0.2, 0.3, 0.4), (0.75, 0.8, 0.85, 0.9)):
        chosen = replace(
            DEFAULT_THRESHOLDS, near_identical=near, rewrite_shingles=shingles, rewrite_words=words
        )
        result = score(pairs, chosen)
        mark = " (default)" if chosen == DEFAULT_THRESHOLDS else ""
        print(
            f"| {near} | {shingles} | {words}{mark} | {result.precision:.4f} "
            f"| {result.recall(hard=False):.3f} | {result.fp} |"
        )


def timing(articles: list[Article], repeats: int = 5) -> None:
    """Per-call costs; each article's time is its best of `repeats` runs, which keeps
    other work on a shared machine out of the figure."""
    per_article = sorted(
        min(_seconds(signature, article) for _ in range(repeats)) for article in articles
    )
    sigs = [text_signature(a) for a in articles]
    pairs = list(combinations(sigs[:100], 2))
    per_match = min(_seconds(lambda: [match(a, b) for a, b in pairs]) for _ in range(repeats))
    per_keys = min(_seconds(lambda: [lookup_keys(s) for s in sigs]) for _ in range(repeats))
    words = sorted(len(a.content_text.split()) for a in articles)
    print(
        f"\n## speed ({len(articles)} articles, {statistics.mean(words):.0f} words on average, "
        f"median {statistics.median(words):.0f})\n\n"
        f"signature: mean {statistics.mean(per_article) * 1e3:.3f} ms, "
        f"median {statistics.median(per_article) * 1e3:.3f} ms, "
        f"p95 {per_article[int(len(per_article) * 0.95)] * 1e3:.3f} ms, "
        f"{sum(per_article) / sum(words) * 1e6:.2f} µs per word; "
        f"match: {per_match / len(pairs) * 1e6:.1f} µs per pair; "
        f"lookup_keys: {per_keys / len(sigs) * 1e6:.1f} µs; "
        f"signature text: {statistics.mean(len(s.to_text()) for s in sigs):.0f} characters"
    )


def _seconds(function: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ground-truth", type=Path, default=GROUND_TRUTH)
    parser.add_argument("--sweep", action="store_true", help="also print a grid of thresholds")
    args = parser.parse_args()
    print(f"thresholds: {DEFAULT_THRESHOLDS}")
    corpus = corpus_pairs()
    report("corpus (hand-written)", corpus, DEFAULT_THRESHOLDS)
    pairs = corpus
    if args.ground_truth.exists():
        articles = derived_articles(args.ground_truth)
        derived = derived_pairs(articles) + template_pairs(articles)
        report("derived (181 real texts)", derived, DEFAULT_THRESHOLDS)
        pairs = corpus + derived
        report("both", pairs, DEFAULT_THRESHOLDS)
        timing([v["original"] for v in articles.values()])
    else:
        print(f"\n(no {args.ground_truth}: derived pairs skipped)")
    if args.sweep:
        sweep(pairs)


if __name__ == "__main__":
    main()
