"""Plain-text run reports for people: one line per source, then what was published."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .digest.values import stories_phrase
from .models import Config, DigestReport, RunReport, SourceReport

_LABELS = {"not_modified": "not modified", "failed": "FAILED"}


def format_report(report: RunReport, config: Config, *, only_problems: bool = False) -> str:
    """One line per source (and per failure), then a total line; `only_problems` keeps
    only the sources that failed."""
    shown = [r for r in report.sources if r.status == "failed" or not only_problems]
    width = max((len(r.source_id) for r in shown), default=10)
    lines = [line for r in shown for line in format_source(r, width)]
    digests = [d for d in report.digests if d.failed or not only_problems]
    lines += [line for digest in digests for line in format_digest(digest)]
    seconds = (report.finished - report.started).total_seconds()
    lines.append(
        f"{len(report.sources)} sources, {report.new} new articles, {report.failed} failed, "
        f"{len(report.published)} files changed in {config.output_dir} ({seconds:.1f}s)"
    )
    return "\n".join(lines)


def format_source(report: SourceReport, width: int = 0) -> list[str]:
    """A source's line, then one indented line per failure."""
    counts = f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged"
    if report.partial:
        counts += f", {report.partial} partial"
    if report.rejected:
        counts += f", {len(report.rejected)} rejected"
    label = _LABELS.get(report.status, report.status)
    line = f"{report.source_id:<{width}}  {label:<12}  {counts}"
    line += f"  ({report.duration.total_seconds():.1f}s)"
    if report.note:
        line += f"  {report.note}"
    lines = [line]
    for failure in report.failures:
        # The source's own URL goes without saying; a page's URL is named once.
        own = failure.stage in ("fetch", "discover", "source")
        named = failure.url and (own or failure.url in failure.message)
        where = "" if named or not failure.url else f" <{failure.url}>"
        lines.append(f"{'':<{width}}    {failure.stage}: {failure.kind}: {failure.message}{where}")
    return lines


def report_record(report: RunReport) -> dict[str, Any]:
    """The run report as JSON-ready data, as the `runs` table keeps it."""
    return {
        "published": len(report.published),
        "sources": [
            {
                "source_id": r.source_id,
                "status": r.status,
                "new": r.new,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "partial": r.partial,
                "rejected": dict(Counter(f"{x.stage}: {x.reason}" for x in r.rejected)),
                "failed": r.status == "failed",
                "failures": [
                    {"stage": f.stage, "kind": f.kind, "message": f.message, "url": f.url}
                    for f in r.failures
                ],
                "duration_seconds": round(r.duration.total_seconds(), 3),
                "note": r.note,
            }
            for r in report.sources
        ],
    }


def format_digest(report: DigestReport) -> list[str]:
    """`digest daily 2025-11-04: 3 stories, 4 files written, sent to 2`, then each failure."""
    done = [] if report.stories is None else [stories_phrase(report.stories)]
    if report.written:
        done.append(f"{len(report.written)} files written")
    if report.sent:
        done.append(f"sent to {len(report.sent)}")
    if report.failed:
        done.append(f"mail FAILED for {len(report.failed)}")
    lines = [f"digest {report.digest_id} {report.first_day}: {', '.join(done) or 'unchanged'}"]
    lines += [f"    mail to {recipient}: {reason}" for recipient, reason in report.failed]
    return lines
