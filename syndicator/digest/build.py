"""A digest from a period's stories: one item per story, grouped, newest first.

Pure: the store has already chosen the stories (one per story, hidden ones left out,
filtered by the digest's tags and sources); this turns them into plain-text, absolute-URL
values through the same item preparation the feeds use, so a digest credits exactly
as the feeds do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..clean import summarize
from ..models import Config, DigestSpec, Source, StoredArticle
from ..publish import site_url
from ..publish.channels import DIGEST_ARCHIVE_PATH, digest_feed_path
from ..publish.hygiene import plain_text
from ..publish.items import prepare_item
from ..publish.story_page import story_page_path
from .periods import Period
from .values import Digest, DigestItem, DigestUrls

SUMMARY_CHARS = 320
STYLESHEET_PATH = "digests/digest.css"
FORMATS = ("html", "txt", "md")


def digest_path(digest_id: str, first_day: date, suffix: str) -> str:
    """`digests/<id>/<first local day>.<suffix>`."""
    return f"digests/{digest_id}/{first_day.isoformat()}.{suffix}"


def build_digest(
    config: Config,
    spec: DigestSpec,
    period: Period,
    stories: Sequence[StoredArticle],
    total: int | None = None,
) -> Digest:
    """Group a period's stories (one item each) by first tag or by source, newest first."""
    sources = {source.id: source for source in config.sources}
    ordered = sorted(stories, key=lambda s: s.article.id)
    ordered.sort(key=lambda s: s.date, reverse=True)
    groups: dict[str, list[DigestItem]] = {}
    for stored in ordered:
        item = _item(config, sources.get(stored.source_id), stored, period)
        if item is None:
            continue
        if config.digest.group_by == "source":
            group = item.source_name
        else:
            tags = [tag for tag in map(plain_text, stored.article.tags) if tag]
            group = tags[0] if tags else "other"
        groups.setdefault(group, []).append(item)
    site = config.site
    first = period.first_day
    return Digest(
        spec=spec,
        period=period,
        site_title=plain_text(site.title),
        groups=tuple((name, tuple(items)) for name, items in sorted(groups.items())),
        total=max(total or 0, len(stories)),
        urls=DigestUrls(
            html=site_url(site, digest_path(spec.id, first, "html")),
            text=site_url(site, digest_path(spec.id, first, "txt")),
            markdown=site_url(site, digest_path(spec.id, first, "md")),
            feed=site_url(site, digest_feed_path(spec.id)),
            archive=site_url(site, DIGEST_ARCHIVE_PATH),
        ),
    )


def _item(
    config: Config, source: Source | None, stored: StoredArticle, period: Period
) -> DigestItem | None:
    item = prepare_item(stored, source, summary_chars=config.publish.summary_chars)
    if item is None:
        return None
    article = stored.article
    own_publisher = article.original_publisher or (source.publisher if source else None)
    page = story_page_path(item.story_id) if item.mode == "full" else None
    return DigestItem(
        story_id=item.story_id,
        title=item.title,
        link=item.link,
        copy_url=site_url(config.site, page) if page else None,
        source_name=item.source_name,
        author=plain_text(article.author or "") or None,
        when=period.local(item.published),
        summary=lede(article.summary or article.content_text),
        publisher=item.original.publisher
        if item.original
        else plain_text(own_publisher or "") or item.source_name,
        original_url=item.original.url if item.original else item.link,
        appearances=item.appearances,
    )


def lede(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first paragraphs of a text, cut at a sentence near `limit` characters."""
    taken: list[str] = []
    for paragraph in text.split("\n\n"):
        paragraph = plain_text(paragraph)
        if paragraph:
            taken.append(paragraph)
        if sum(len(p) + 1 for p in taken) >= limit:
            break
    return summarize(" ".join(taken), limit)
