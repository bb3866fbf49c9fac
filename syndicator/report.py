"""Plain-text run reports for people: one line per source, then what was published."""

from __future__ import annotations

from .digest.values import stories_phrase
from .models import Config, DigestReport, RunReport, SourceReport

_LABELS = {"not_modified": "not modified", "failed": "FAILED"}


def format_report(report: RunReport, config: Config) -> str:
    """One line per source (and per failure), then a total line."""
    width = max((len(r.source_id) for r in report.sources), default=10)
    lines = [line for r in report.sources for line in format_source(r, width)]
    lines += [line for digest in report.digests for line in format_digest(digest)]
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
