"""Prometheus metrics in the text exposition format, rendered from a `Health` value.

Pure: the same bytes go to the textfile collector's file after each run and to
`/metrics` of `syndicator serve`. prometheus_client does the format (escaping, HELP and
TYPE lines); every value is a gauge read from the database, so a file written by a
process that has since exited stays true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from .health import Health, SourceHealth
from .version import __version__


def render_metrics(health: Health) -> bytes:
    """The whole exposition, as bytes."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_HealthCollector(health))
    return generate_latest(registry)


class _HealthCollector(Collector):
    def __init__(self, health: Health) -> None:
        self.health = health

    def collect(self) -> Iterator[Metric]:
        health = self.health
        yield InfoMetricFamily(
            "syndicator_build", "Version of syndicator.", {"version": __version__}
        )
        yield _gauge("syndicator_articles", "Articles stored.", health.articles)
        yield _gauge(
            "syndicator_stories", "Stories stored (copies of one story count once).", health.stories
        )
        yield _gauge(
            "syndicator_last_publish_timestamp_seconds",
            "When the output was last rendered.",
            _seconds(health.last_publish),
        )
        yield _gauge(
            "syndicator_worker_running",
            "1 while a worker holds its lease.",
            int(bool(health.worker)),
        )
        run = health.last_run
        if run is not None:
            yield _gauge(
                "syndicator_last_run_timestamp_seconds",
                "When the last run finished.",
                _seconds(run.finished),
            )
            yield _gauge(
                "syndicator_last_run_duration_seconds",
                "How long the last run took.",
                (run.finished - run.started).total_seconds(),
            )
            yield _gauge(
                "syndicator_last_run_new_articles", "New articles in the last run.", run.new
            )
            yield _gauge(
                "syndicator_last_run_failed_sources",
                "Sources that failed in the last run.",
                run.failed,
            )
        per_source: dict[str, tuple[str, Callable[[SourceHealth], float]]] = {
            "enabled": ("1 if the source is enabled.", lambda s: int(s.enabled)),
            "consecutive_failures": (
                "Checks that failed in a row (0 after a success).",
                lambda s: s.state.failures,
            ),
            "last_attempt_timestamp_seconds": (
                "When the source was last checked.",
                lambda s: _seconds(s.state.last_checked),
            ),
            "last_success_timestamp_seconds": (
                "When a check of the source last succeeded.",
                lambda s: _seconds(s.state.last_success),
            ),
            "next_due_timestamp_seconds": (
                "When the source is due to be checked (0: now, or disabled).",
                lambda s: _seconds(s.next_due),
            ),
            "articles": ("Articles the source has listed.", lambda s: s.articles),
        }
        for suffix, (text, value) in per_source.items():
            family = GaugeMetricFamily(f"syndicator_source_{suffix}", text, labels=["source"])
            for source in health.sources:
                family.add_metric([source.source_id], value(source))
            yield family
        errors = GaugeMetricFamily(
            "syndicator_source_last_error",
            "1 for the kind of the last error of a source that is failing.",
            labels=["source", "kind"],
        )
        for source in health.sources:
            if source.state.failures and source.state.last_error_kind:
                errors.add_metric([source.source_id, source.state.last_error_kind], 1)
        yield errors


def _gauge(name: str, text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, value=value)


def _seconds(value: datetime | None) -> float:
    return value.timestamp() if value else 0.0
