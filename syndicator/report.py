"""Plain-text run reports for people: one line per source, then what was published."""

from __future__ import annotations

from .models import Config, RunReport, SourceReport

_LABELS = {"not_modified": "not modified", "failed": "FAILED"}


def format_report(report: RunReport, config: Config) -> str:
    """One line per source (and per failure), then a total line."""
    width = max((len(r.source_id) for r in report.sources), default=10)
    lines = [line for r in report.sources for line in format_source(r, width)]
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
