"""Score `extract_article` and the two baselines on the labelled extraction corpus.

    python bench/extraction.py                      # the table: P, R, F1, failures, ms/doc
    python bench/extraction.py --only syndicator --json-dir /tmp/x   # per-page scores
    python bench/extraction.py --worst 10           # the lowest-F1 pages of each extractor

The corpus and the scorer live outside the project in ``../shared/bench`` (relative to
the repository root); the scorer's docstring defines the metric. Every extractor runs
in this one process on the same decoded pages, one after another, so the ms/doc
figures are comparable with each other (not with figures from another machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO_ROOT.parent / "shared" / "bench"

Extractor = Callable[[str, str | None], str]


def load_scorer(path: Path) -> ModuleType:
    """Import the scorer module from its file (it is not a package of ours)."""
    spec = importlib.util.spec_from_file_location("extract_eval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_eval"] = module  # dataclasses in it look themselves up here
    spec.loader.exec_module(module)
    return module


def syndicator_text(html: str, url: str | None) -> str:
    from syndicator import extract_article

    return extract_article(html, url).content_text


def trafilatura_text(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def readability_text(html: str, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


EXTRACTORS: dict[str, Extractor] = {
    "syndicator": syndicator_text,
    "trafilatura (include_comments=False)": trafilatura_text,
    "readability-lxml": readability_text,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "extraction")
    parser.add_argument("--scorer", type=Path, default=SHARED_BENCH / "extract_eval.py")
    parser.add_argument(
        "--only",
        action="append",
        choices=[name.split()[0] for name in EXTRACTORS],
        help="run only this extractor (repeatable)",
    )
    parser.add_argument("--page", action="append", help="only this page id (repeatable)")
    parser.add_argument("--json-dir", type=Path, help="write each extractor's per-page scores here")
    parser.add_argument("--worst", type=int, default=0, help="print the N lowest-F1 pages of each")
    args = parser.parse_args(argv)

    scorer = load_scorer(args.scorer)
    docs = scorer.load_scrapinghub(args.data)
    if args.page:
        docs = [doc for doc in docs if doc.id in set(args.page)]
    chosen = {
        name: func
        for name, func in EXTRACTORS.items()
        if not args.only or name.split()[0] in args.only
    }
    for func in chosen.values():
        scorer.run_module(func, docs[0])  # warm-up: imports and lazy tables
    # Interleaved page by page, so a busy moment on the machine costs every extractor
    # alike and the ms/doc column stays comparable within one run.
    results: dict[str, dict[str, object]] = {name: {} for name in chosen}
    for doc in docs:
        for name, func in chosen.items():
            results[name][doc.id] = scorer.run_module(func, doc)
    rows = []
    for name in chosen:
        report = scorer.evaluate(docs, results[name], 0.5)
        report["extractor"] = name
        summary = report["summary"]
        rows.append((name, summary))
        if args.json_dir:
            args.json_dir.mkdir(parents=True, exist_ok=True)
            out = args.json_dir / f"{name.split()[0]}.json"
            out.write_text(json.dumps(report, indent=1), encoding="utf-8")
        if args.worst:
            worst = sorted(report["docs"], key=lambda row: row["F1"])[: args.worst]
            for row in worst:
                print(
                    f"  {name.split()[0]:<12} F1={row['F1']:.3f} P={row['P']:.3f} "
                    f"R={row['R']:.3f} {row['id'][:16]} {row['url']}"
                )
    print(f"\n{len(docs)} pages of {args.data}\n")
    print("| extractor | P | R | F1 | fail | ms/doc |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, s in rows:
        print(
            f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['fail']} "
            f"| {s['ms_per_doc']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    raise SystemExit(main())
