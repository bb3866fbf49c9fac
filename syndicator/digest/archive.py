"""Every digest in one place: `digests/index.html`, an Atom feed per digest, the stylesheet.

Pure: rendered from the archive's records (`Issue`), not from the files, so the feed of
a digest is the same bytes however often it is rendered. An entry's dates come from the
record (the end of its period, and when its content last changed), never the clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Channel, Config, DigestSpec
from ..publish import item_id, site_url
from ..publish.channels import DIGEST_ARCHIVE_PATH, INDEX_PATH, digest_feed_path
from ..publish.document import ChannelEntry, FeedDocument
from ..publish.hygiene import feed_html, plain_text
from ..publish.items import FeedItem
from ..publish.xmlfeeds import render_atom
from . import style
from .build import STYLESHEET_PATH, digest_path
from .render import environment, period_words
from .values import Issue, stories_phrase


def render_archive(config: Config, issues: Sequence[Issue]) -> dict[str, bytes]:
    """The stylesheet, one Atom feed per configured digest, and the archive page (last)."""
    by_id: dict[str, list[Issue]] = {}
    for issue in sorted(issues, key=lambda i: (i.first_day, i.digest_id), reverse=True):
        by_id.setdefault(issue.digest_id, []).append(issue)
    files = {STYLESHEET_PATH: style.stylesheet()}
    for spec in config.digests:
        files[digest_feed_path(spec.id)] = render_atom(
            _document(config, spec, by_id.get(spec.id, []))
        )
    files[DIGEST_ARCHIVE_PATH] = _page(config, by_id)
    return files


def schedule_words(spec: DigestSpec) -> str:
    """`Daily at 06:00, America/New_York`; `Weekly, Mondays at 07:00, UTC`."""
    when = "Daily" if spec.period == "daily" else "Weekly, Mondays"
    return f"{when} at {spec.at:%H:%M}, {spec.timezone}"


def _document(config: Config, spec: DigestSpec, issues: Sequence[Issue]) -> FeedDocument:
    site = config.site
    title = plain_text(spec.title)
    chosen = issues[: config.publish.items_per_feed]
    return FeedDocument(
        # The feed of a digest is no channel of the site; `channel` only names it here.
        channel=Channel("all", spec.id, title),
        title=title,
        description=plain_text(f"{schedule_words(spec)}: {site.description}"),
        language=plain_text(site.language),
        author=plain_text(site.title),
        page_url=site_url(site, f"{DIGEST_ARCHIVE_PATH}#{spec.id}"),
        urls={"atom": site_url(site, digest_feed_path(spec.id))},
        entries=tuple(ChannelEntry(_entry(config, spec, issue)) for issue in chosen),
    )


def _entry(config: Config, spec: DigestSpec, issue: Issue) -> FeedItem:
    site = config.site
    link = site_url(site, digest_path(issue.digest_id, issue.first_day, "html"))
    summary = f"{period_words(issue.kind, issue.first_day)}: {stories_phrase(issue.stories)}."
    return FeedItem(
        id=item_id(f"digest/{issue.digest_id}/{issue.first_day.isoformat()}"),
        article_id="",
        story_id="",
        link=link,
        title=plain_text(issue.title),
        author=plain_text(site.title),
        published=issue.end,
        updated=max(issue.changed_at, issue.end),
        source_id=spec.id,
        source_name=plain_text(spec.title),
        mode="full",
        summary_text=summary,
        summary_html="",
        content_html=feed_html(issue.feed_html, link) or f"<p>{summary}</p>",
    )


def _page(config: Config, by_id: dict[str, list[Issue]]) -> bytes:
    site = config.site
    sections = [
        {
            "id": spec.id,
            "title": plain_text(spec.title),
            "schedule": schedule_words(spec),
            "filters": ", ".join(
                [
                    *(f"#{tag}" for tag in spec.tags),
                    *spec.sources,
                    *([spec.feed] if spec.feed else []),
                ]
            ),
            "feed": site_url(site, digest_feed_path(spec.id)),
            "period": "day" if spec.period == "daily" else "week",
            "issues": _rows(by_id.pop(spec.id, [])),
        }
        for spec in config.digests
    ]
    # Digests no longer configured keep their place in the archive.
    sections += [
        {"id": digest_id, "title": digest_id, "issues": _rows(issues)}
        for digest_id, issues in sorted(by_id.items())
    ]
    html = (
        environment()
        .get_template("digest-archive.html.j2")
        .render(
            site_title=plain_text(site.title),
            language=site.language,
            home=site_url(site, INDEX_PATH),
            sections=sections,
        )
    )
    return html.encode("utf-8")


def _rows(issues: Sequence[Issue]) -> list[dict[str, str]]:
    def path(issue: Issue, suffix: str) -> str:
        return digest_path(issue.digest_id, issue.first_day, suffix).removeprefix("digests/")

    return [
        {
            "label": period_words(issue.kind, issue.first_day),
            "count": stories_phrase(issue.stories),
            "html": path(issue, "html"),
            "text": path(issue, "txt"),
            "markdown": path(issue, "md"),
        }
        for issue in issues
    ]
