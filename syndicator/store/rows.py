"""Conversions between database rows and the values of `models`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..models import Article, SourceState


def to_text(value: datetime | None) -> str | None:
    """UTC, second precision, one fixed format: stored dates sort as text."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def to_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def later_than(previous: str | None, now: datetime) -> datetime:
    """`now`, or one second after `previous` when that is not earlier (stored seconds)."""
    before = to_datetime(previous)
    if before is None or now.replace(microsecond=0) > before:
        return now
    return before + timedelta(seconds=1)


def article_row(article: Article) -> dict[str, Any]:
    """The columns an article's own values fill (the store adds its bookkeeping)."""
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "original_url": article.original_url,
        "original_publisher": article.original_publisher,
        "title": article.title,
        "author": article.author,
        "published": to_text(article.published),
        "updated": to_text(article.updated),
        "content_html": article.content_html,
        "content_text": article.content_text,
        "summary": article.summary,
        "image": article.image,
        "images": json.dumps(list(article.images)),
        "tags": json.dumps(list(article.tags)),
        "language": article.language,
        "content_hash": article.content_hash,
        "extracted_by": article.extracted_by,
        "is_partial": int(article.is_partial),
        "partial_reason": article.partial_reason,
    }


def article_from_row(row: Mapping[str, Any]) -> Article:
    return Article(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        content_html=row["content_html"] or "",
        content_text=row["content_text"] or "",
        canonical_url=row["canonical_url"],
        original_url=row["original_url"],
        original_publisher=row["original_publisher"],
        author=row["author"],
        published=to_datetime(row["published"]),
        updated=to_datetime(row["updated"]),
        summary=row["summary"] or "",
        image=row["image"],
        images=tuple(json.loads(row["images"] or "[]")),
        tags=tuple(json.loads(row["tags"] or "[]")),
        language=row["language"],
        content_hash=row["content_hash"] or "",
        extracted_by=row["extracted_by"] or "",
        is_partial=bool(row["is_partial"]),
        partial_reason=row["partial_reason"],
        source_id=row["source_id"],
    )


def state_from_row(source_id: str, row: Mapping[str, Any] | None) -> SourceState:
    if row is None:
        return SourceState(source_id)
    return SourceState(
        source_id=source_id,
        last_checked=to_datetime(row["last_checked"]),
        last_success=to_datetime(row["last_success"]),
        next_check=to_datetime(row["next_check"]),
        failures=row["failures"] or 0,
        last_error_kind=row["last_error_kind"],
        last_error=row["last_error"],
    )


def state_row(state: SourceState) -> dict[str, Any]:
    return {
        "source_id": state.source_id,
        "last_checked": to_text(state.last_checked),
        "last_success": to_text(state.last_success),
        "next_check": to_text(state.next_check),
        "failures": state.failures,
        "last_error_kind": state.last_error_kind,
        "last_error": state.last_error,
    }
