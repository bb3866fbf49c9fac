"""Digests from the store: build them, write them, keep the archive, mail them once.

    make_digest(services, spec, day, send=...)   one digest, by hand (`syndicator digest`)
    produce_due_digests(services, only=None)     every digest that is due and not yet
                                                 issued, then the mail not yet delivered
                                                 (`syndicator run`, the worker)

A digest is due at its `at` time on the first local day after its period. Once issued
it is recorded (the archive page and its Atom feed list it) and its deliveries are
planned: one per recipient, each sent once. A delivery that fails is tried again on the
next run, for a week; one recipient failing never stops the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import publish
from ..digest import (
    Delivery,
    Digest,
    Issue,
    Mailer,
    MailError,
    Period,
    build_digest,
    compose,
    due_periods,
    is_over,
    period_of,
    recipients,
    render_archive,
    render_feed_html,
    render_files,
    subject,
)
from ..errors import PublishError
from ..models import DigestReport, DigestSpec, StoredArticle
from ..publish.story_page import render_story_page, render_withdrawn_page, story_page_path
from .leasing import keeping_leases
from .services import Services

# Deliveries planned longer ago than this are no longer tried (nor reported).
log = logging.getLogger(__name__)

DIGEST_LEASE = "digests"
RETRY = timedelta(days=7)
IN_DOUBT = "in doubt: a run stopped while sending it, so it is not sent again"


@dataclass
class _Outcome:
    """What happened to one digest in this call, gathered into a DigestReport."""

    spec: DigestSpec
    period: Period
    stories: int | None = None
    written: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    digest: Digest | None = None

    def report(self) -> DigestReport:
        return DigestReport(
            self.spec.id,
            self.period.first_day,
            self.stories,
            tuple(self.written),
            tuple(self.sent),
            tuple(self.failed),
        )


async def make_digest(
    services: Services, spec: DigestSpec, day: date, *, send: bool
) -> DigestReport:
    """Write the digest of the period holding the local date `day`, and with `send` mail
    it to every recipient who has not had it. A period not over yet is only previewed:
    written, but neither archived nor mailed."""
    now = services.clock()
    period = period_of(spec.period, day, spec.timezone)
    over = is_over(period, now)
    if send and not over:
        raise ValueError("a digest is mailed only once its period is over")
    if not over:  # a preview touches no record: no lease needed
        return _build(services, spec, period, record=False).report()
    async with keeping_leases(services) as leases:
        if not leases.take(DIGEST_LEASE):
            raise PublishError(f"digests: {leases.busy_note(DIGEST_LEASE)}; try again shortly")
        return await _make(services, spec, period, send=send)


async def _make(
    services: Services, spec: DigestSpec, period: Period, *, send: bool
) -> DigestReport:
    now = services.clock()
    outcome = _build(services, spec, period, record=True)
    if send:
        store, to = services.store, recipients(services.config, spec)
        store.dispatch(spec.id, period.first_day, to, now)
        deliveries = [d for d in store.deliveries(spec.id, period.first_day) if d.recipient in to]
        await _deliver(services, deliveries, {_key(outcome): outcome})
    write_archive(services)
    return outcome.report()


async def produce_due_digests(
    services: Services, *, only: Collection[str] | None = None
) -> tuple[DigestReport, ...]:
    """Issue every due digest not issued yet (back to a week, and never before the first
    one a digest had), then send the deliveries still open. With `only`, just those ids.

    Under the `digests` lease: a cron `run` and a worker on one database never issue or
    mail digests at the same time (the one that finds it held leaves them to the other).
    """
    async with keeping_leases(services) as leases:
        if not leases.take(DIGEST_LEASE):
            log.info("digests: %s", leases.busy_note(DIGEST_LEASE), extra={"stage": "digest"})
            return ()
        return await _produce(services, only)


async def _produce(services: Services, only: Collection[str] | None) -> tuple[DigestReport, ...]:
    config, store, now = services.config, services.store, services.clock()
    specs = [spec for spec in config.digests if only is None or spec.id in only]
    outcomes: dict[tuple[str, date], _Outcome] = {}
    for spec in specs:
        due = due_periods(spec, now)
        first_issued = store.first_dispatched(spec.id)
        for period in reversed(due):  # oldest first
            issue = store.digest_issue(spec.id, period.first_day)
            if issue is not None and issue.dispatched_at is not None:
                continue
            # Catch up after an outage, but a new digest starts with its latest period.
            if period != due[0] and (first_issued is None or period.first_day < first_issued):
                continue
            outcome = _build(services, spec, period, record=True)
            store.dispatch(spec.id, period.first_day, recipients(config, spec), now)
            outcomes[_key(outcome)] = outcome
    if outcomes:
        write_archive(services)
    wanted = {spec.id: spec for spec in specs}
    open_deliveries = [
        d
        for d in store.open_deliveries(now - RETRY)
        if d.digest_id in wanted and d.recipient in recipients(config, wanted[d.digest_id])
    ]
    await _deliver(services, open_deliveries, outcomes)
    return tuple(outcome.report() for outcome in sorted(outcomes.values(), key=_order))


def _build(services: Services, spec: DigestSpec, period: Period, *, record: bool) -> _Outcome:
    """Select, render and write one digest (with the story pages it links); record it."""
    config, store, now = services.config, services.store, services.clock()
    digest, stories = _select(services, spec, period)
    files = render_files(digest, config)
    content_hash = hashlib.sha256(b"".join(files[path] for path in sorted(files))).hexdigest()
    pages = {path: page for path, page in _story_pages(services, stories).items() if page}
    written = list(publish.write_outputs(services.target, {**files, **pages}))
    store.remember_story_pages(
        [s.story_id for s in stories if story_page_path(s.story_id) in pages], now
    )
    if record:
        issue = Issue(
            digest_id=spec.id,
            first_day=period.first_day,
            kind=period.kind,
            title=subject(digest),
            stories=digest.count,
            start=period.start,
            end=period.end,
            feed_html=render_feed_html(digest),
            content_hash=content_hash,
            built_at=now,
            changed_at=now,
        )
        store.save_digest_issue(issue)
    return _Outcome(spec, period, digest.count, written, digest=digest)


def _select(
    services: Services, spec: DigestSpec, period: Period, *, seen_by: datetime | None = None
) -> tuple[Digest, list[StoredArticle]]:
    """The period's stories (with `seen_by`: only those we had by then) as a digest."""
    config = services.config
    stories, total = services.store.digest_stories(
        period.start,
        period.end,
        tags=spec.tags,
        sources=spec.sources,
        topic=config.feed(spec.feed) if spec.feed else None,
        seen_by=seen_by,
        limit=config.digest.max_articles,
    )
    return build_digest(config, spec, period, stories, total), stories


def _story_pages(services: Services, stories: Sequence[StoredArticle]) -> dict[str, bytes | None]:
    """Our ad-free copy of each story the digest links to; None for a story we publish
    only as an excerpt (`publish: summary`, or its source left the configuration)."""
    config = services.config
    sources = {source.id: source for source in config.sources}
    pages: dict[str, bytes | None] = {}
    for stored in stories:
        path = story_page_path(stored.story_id)
        if path is not None:
            pages[path] = render_story_page(
                stored,
                sources.get(stored.source_id),
                site_title=config.site.title,
                language=config.site.language,
                summary_chars=config.publish.summary_chars,
            )
    return pages


def write_archive(services: Services) -> tuple[str, ...]:
    """The digest archive and feeds as the store and the configuration say now."""
    files = render_archive(services.config, services.store.digest_issues())
    return publish.write_outputs(services.target, files)


def refresh_story_pages(services: Services, *, everything: bool = False) -> tuple[str, ...]:
    """Bring our copies of stories in step with the store: an edited story or one found
    elsewhere too is rendered again, a hidden one becomes a notice, one shown again comes
    back. Publishing calls this, so `syndicator hide` then `publish` takes a copy down.
    With `everything` (the configuration changed) every page is looked at again: a
    story whose source now publishes only excerpts loses its full copy to the notice."""
    stale, hidden = services.store.stale_story_pages(everything=everything)
    if not stale and not hidden:
        return ()
    site = services.config.site
    notice = render_withdrawn_page(site_title=site.title, language=site.language)
    rendered = _story_pages(services, stale)
    files = {path: page or notice for path, page in rendered.items()}
    files.update(dict.fromkeys(filter(None, map(story_page_path, hidden)), notice))
    changed = publish.write_outputs(services.target, files)
    services.store.remember_story_pages(
        [s.story_id for s in stale], services.clock(), withdrawn=hidden
    )
    return changed


async def _deliver(
    services: Services,
    deliveries: Sequence[Delivery],
    outcomes: dict[tuple[str, date], _Outcome],
) -> None:
    """Send each open delivery once; record and report what came of it."""
    config, store = services.config, services.store
    specs = {spec.id: spec for spec in config.digests}
    todo = [d for d in deliveries if d.status != "sent" and d.digest_id in specs]
    if not todo:
        return
    mailer = Mailer(config.digest.email, services.smtp_password)
    try:
        for delivery in todo:
            spec = specs[delivery.digest_id]
            key = (spec.id, delivery.first_day)
            if key not in outcomes:
                outcomes[key] = _Outcome(
                    spec, period_of(spec.period, delivery.first_day, spec.timezone)
                )
            outcome = outcomes[key]
            if delivery.status == "sending":
                outcome.failed.append((delivery.recipient, IN_DOUBT))
                continue
            if outcome.digest is None:  # a retry: the digest as it was issued (archived)
                issue = store.digest_issue(spec.id, delivery.first_day)
                seen_by = issue.changed_at if issue is not None else None
                outcome.digest = _select(services, spec, outcome.period, seen_by=seen_by)[0]
            now = services.clock()
            message = compose(outcome.digest, config, delivery.recipient, now=now)
            if not store.start_delivery(delivery, now):
                continue  # claimed or sent by another process meanwhile
            try:
                await asyncio.to_thread(mailer.send, message)
            except MailError as exc:
                store.finish_delivery(delivery, services.clock(), str(exc))
                outcome.failed.append((delivery.recipient, f"{exc} (tried again next run)"))
            else:
                store.finish_delivery(delivery, services.clock(), None)
                outcome.sent.append(delivery.recipient)
    finally:
        await asyncio.to_thread(mailer.close)


def _key(outcome: _Outcome) -> tuple[str, date]:
    return outcome.spec.id, outcome.period.first_day


def _order(outcome: _Outcome) -> tuple[date, str]:
    return outcome.period.first_day, outcome.spec.id
