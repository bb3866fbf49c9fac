"""Digests from a real SQLite store, on a clock the test sets: issued when due, archived,
and mailed once per recipient through a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from digest_fixtures import (
    AD_TEXT,
    BASE_URL,
    SOURCES,
    Clock,
    article,
    closed_port,
    config,
    smtp_server,
)
from feedrules import assert_valid_folder

from syndicator.errors import PublishError
from syndicator.models import (
    Config,
    DigestReport,
    DigestSettings,
    DigestSpec,
    EmailSettings,
    Prepared,
    TopicFeed,
)
from syndicator.pipeline import make_digest, produce_due_digests, publish_site, run_pass
from syndicator.runtime import open_services
from syndicator.store import Store

NY = "America/New_York"
DAILY = DigestSpec("daily", "Defense Daily Brief", at=time(6, 0), timezone=NY)
# 4 March 2026 in New York: 05:00Z to 05:00Z the next day; due 5 March 06:00 EST (11:00Z).
IN_DAY = datetime(2026, 3, 4, 15, tzinfo=UTC)
DUE = datetime(2026, 3, 5, 11, tzinfo=UTC)


def email(port: int, **changes: object) -> DigestSettings:
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        starttls=False,
        sender="digests@feeds.example.org",
        to=("ann@example.org", "bob@example.org"),
    )
    return DigestSettings(email=replace(settings, **changes))  # type: ignore[arg-type]


def setup(tmp_path: Path, *specs: DigestSpec, port: int | None = None, **changes: object) -> Config:
    """A configuration in tmp_path whose database holds a day of stories."""
    extra = {"digest": email(port)} if port is not None else {}
    cfg = config(tmp_path, *(specs or (DAILY,)), **{**extra, **changes})
    with Store.open(cfg.database) as store:
        store.sync_sources(cfg.sources, IN_DAY)
        original = article("orig", IN_DAY, title="Alliance Reaffirmed")
        copy = article(
            "copy",
            IN_DAY + timedelta(hours=3),
            source="rep",
            title="Alliance Reaffirmed, Again",
            original_url=original.url,
            original_publisher="U.S. Department of Defense",
        )
        for source, item in [
            ("dod", original),
            ("rep", copy),
            (
                "rep",
                article(
                    "expo", IN_DAY + timedelta(hours=1), source="rep", title="Lasers at the Expo"
                ),
            ),
            (
                "paywall",
                article(
                    "pay", IN_DAY + timedelta(hours=2), source="paywall", title="Paid Analysis"
                ),
            ),
            ("dod", article("before", IN_DAY - timedelta(days=1), title="Yesterday's News")),
            ("dod", article("late", datetime(2026, 3, 5, 4, 30, tzinfo=UTC), title="Late Evening")),
        ]:
            store.save_article(source, Prepared(item), IN_DAY)
    return cfg


def produce(cfg: Config, clock: Clock, **options: object) -> tuple[DigestReport, ...]:
    async def go() -> tuple[DigestReport, ...]:
        async with open_services(cfg, workers=0, clock=clock) as services:
            return await produce_due_digests(services, **options)  # type: ignore[arg-type]

    return asyncio.run(go())


def issued(cfg: Config) -> list[tuple[str, str, bool]]:
    with Store.open(cfg.database) as store:
        return [
            (i.digest_id, i.first_day.isoformat(), i.dispatched_at is not None)
            for i in store.digest_issues()
        ]


def statuses(cfg: Config) -> dict[str, tuple[str, int]]:
    with Store.open(cfg.database) as store:
        return {
            d.recipient: (d.status, d.attempts) for d in store.deliveries("daily", date(2026, 3, 4))
        }


@pytest.fixture
def smtp() -> Iterator[tuple[object, int]]:
    with smtp_server() as (inbox, port):
        yield inbox, port


def test_a_digest_is_issued_at_its_time_once_with_archive_and_feed(tmp_path: Path) -> None:
    """Before `at` nothing happens; at it, the day's digest, its stories' pages, the archive
    and a valid feed appear; a later run finds nothing to do and rewrites nothing."""
    cfg = setup(tmp_path)
    (early,) = produce(cfg, Clock(DUE - timedelta(minutes=1)))
    assert early.first_day == date(2026, 3, 3)  # the 4th is not due yet: the 3rd was the latest
    assert issued(cfg) == [("daily", "2026-03-03", True)]
    (report,) = produce(cfg, Clock(DUE))
    assert (report.digest_id, report.first_day, report.stories) == ("daily", date(2026, 3, 4), 4)
    public = cfg.output_dir
    text = (public / "digests/daily/2026-03-04.txt").read_text()
    for title in ("Alliance Reaffirmed", "Lasers at the Expo", "Paid Analysis", "Late Evening"):
        assert title in text
    assert "Yesterday's News" not in text and "Alliance Reaffirmed, Again" not in text
    assert (public / "articles/orig.html").is_file() and not (public / "articles/pay.html").exists()
    assert "2026-03-04.html" in (public / "digests/index.html").read_text()
    assert "digests/daily.atom" in assert_valid_folder(public, base_url=BASE_URL, now=DUE)
    before = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    assert produce(cfg, Clock(DUE + timedelta(hours=2))) == ()
    assert {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()} == before


def test_each_recipient_gets_one_multipart_mail_with_headers_links_and_no_ads(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """Text and HTML alternatives, Date, Message-ID, List-Unsubscribe, links to our copy and
    to the original; one message per recipient, and never a second one."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port)
    produce(cfg, Clock(DUE - timedelta(days=1)))  # the previous day, mailed then
    inbox.clear()  # type: ignore[attr-defined]
    (report,) = produce(cfg, Clock(DUE))
    assert sorted(report.sent) == ["ann@example.org", "bob@example.org"] and not report.failed
    assert inbox.envelopes == [["ann@example.org"], ["bob@example.org"]]  # type: ignore[attr-defined]
    (message,) = inbox.to("ann@example.org")  # type: ignore[attr-defined]
    assert message["Subject"] == "Defense Daily Brief — Wednesday 4 March 2026"
    assert message["From"] == "Defense Wire <digests@feeds.example.org>"
    assert message["Date"] and message["Message-ID"].endswith("@feeds.example.org>")
    assert (
        message["List-Unsubscribe"].strip()
        == "<mailto:digests@feeds.example.org?subject=unsubscribe%20daily>"
    )
    assert message["List-Unsubscribe-Post"] is None  # no one-click URL configured
    assert message["List-Id"] == '"Defense Daily Brief" <daily.digests.feeds.example.org>'
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    text, html = (_body(message, kind) for kind in ("plain", "html"))
    for body in (text, html):
        assert f"{BASE_URL}articles/orig.html" in body
        assert "https://www.war.gov/news/2026/03/story-orig-in-brief" in body
        assert (
            "https://rep.example.com/news/2026/03/story-copy-in-brief" in body
        )  # also published by
        assert not any(junk in body for junk in AD_TEXT)
    assert "Alliance Reaffirmed" in text and "<link" not in html
    assert produce(cfg, Clock(DUE + timedelta(hours=1))) == ()
    assert len(inbox.messages) == 2  # type: ignore[attr-defined]


def test_one_refused_recipient_does_not_stop_the_others_and_is_retried(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """Ann gets hers; Bob's refusal is reported, retried on the next run, and once the
    server takes it he gets exactly one copy, with the same Message-ID."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port)
    produce(cfg, Clock(DUE - timedelta(days=1)))
    inbox.clear()  # type: ignore[attr-defined]
    inbox.refuse.add("bob@example.org")  # type: ignore[attr-defined]
    (first,) = produce(cfg, Clock(DUE))
    assert first.sent == ("ann@example.org",)
    ((who, why),) = first.failed
    assert who == "bob@example.org" and "550" in why and "tried again next run" in why
    assert statuses(cfg) == {"ann@example.org": ("sent", 1), "bob@example.org": ("failed", 1)}
    (second,) = produce(cfg, Clock(DUE + timedelta(minutes=30)))
    assert second.stories is None and second.failed and not second.sent
    inbox.refuse.clear()  # type: ignore[attr-defined]
    (third,) = produce(cfg, Clock(DUE + timedelta(hours=1)))
    assert third.sent == ("bob@example.org",) and not third.failed
    assert statuses(cfg) == {"ann@example.org": ("sent", 1), "bob@example.org": ("sent", 3)}
    assert [m["To"] for m in inbox.messages] == ["ann@example.org", "bob@example.org"]  # type: ignore[attr-defined]
    assert produce(cfg, Clock(DUE + timedelta(hours=2))) == ()


def test_an_unreachable_server_fails_each_delivery_and_a_later_run_sends_them(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """With the server down every delivery is reported failed (the files are written
    anyway); when it is back, the next run delivers them."""
    inbox, port = smtp
    down = setup(tmp_path, port=closed_port())
    (report,) = produce(down, Clock(DUE))
    assert report.stories == 4 and not report.sent
    assert {who for who, _ in report.failed} == {"ann@example.org", "bob@example.org"}
    assert all("cannot send through 127.0.0.1" in why for _, why in report.failed)
    assert (down.output_dir / "digests/daily/2026-03-04.html").is_file()
    up = replace(down, digest=email(port))
    (retry,) = produce(up, Clock(DUE + timedelta(minutes=30)))
    assert sorted(retry.sent) == ["ann@example.org", "bob@example.org"]
    assert len(inbox.messages) == 2  # type: ignore[attr-defined]


def test_a_retried_mail_is_the_digest_as_issued(tmp_path: Path, smtp: tuple[object, int]) -> None:
    """A story dated in the period but fetched after the digest was issued is not in the
    mail a later run retries: subscribers get what the archive shows."""
    inbox, port = smtp
    down = setup(tmp_path, port=closed_port())
    (report,) = produce(down, Clock(DUE))
    assert report.stories == 4 and not report.sent
    late = article("latecomer", IN_DAY + timedelta(hours=5), title="A Latecomer Story")
    with Store.open(down.database) as store:
        store.save_article("dod", Prepared(late), DUE + timedelta(minutes=10))
    (retry,) = produce(replace(down, digest=email(port)), Clock(DUE + timedelta(minutes=30)))
    assert sorted(retry.sent) == ["ann@example.org", "bob@example.org"]
    for message in inbox.messages:  # type: ignore[attr-defined]
        text = message.get_body(("plain",)).get_content()
        assert "Alliance Reaffirmed" in text and "A Latecomer Story" not in text


def test_a_delivery_a_stopped_run_left_mid_send_is_never_sent_again(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """`sending` means the message may have left: it is reported, not resent."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port, digests=(replace(DAILY, recipients=("ann@example.org",)),))
    with Store.open(cfg.database) as store:
        store.dispatch("daily", date(2026, 3, 4), ["ann@example.org"], DUE)
        (delivery,) = store.deliveries("daily", date(2026, 3, 4))
        assert store.start_delivery(delivery, DUE)
        assert not store.start_delivery(delivery, DUE)  # a second sender cannot claim it
    (report,) = produce(cfg, Clock(DUE))
    assert report.failed == (
        ("ann@example.org", "in doubt: a run stopped while sending it, so it is not sent again"),
    )
    assert inbox.messages == []  # type: ignore[attr-defined]


def test_login_uses_the_password_from_the_environment(
    tmp_path: Path, smtp: tuple[object, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """digest.email.password_env names the variable; the file never holds the password."""
    inbox, port = smtp
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "s3cret")
    cfg = setup(tmp_path, port=port, digests=(replace(DAILY, recipients=("ann@example.org",)),))
    cfg = replace(cfg, digest=email(port, username="digests", password_env="DIGEST_SMTP_PASSWORD"))
    (report,) = produce(cfg, Clock(DUE))
    assert report.sent == ("ann@example.org",)
    assert inbox.logins[-1] == ("digests", "s3cret")  # type: ignore[attr-defined]


def test_a_digests_own_recipients_override_the_default_ones(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """`recipients` on a digest wins over digest.email.to; `[]` mails nobody."""
    inbox, port = smtp
    specs = (
        replace(DAILY, recipients=("cat@example.org",)),
        DigestSpec("quiet", "Quiet", timezone=NY, recipients=()),
    )
    cfg = setup(tmp_path, *specs, port=port)
    reports = produce(cfg, Clock(DUE))
    assert {r.digest_id: r.sent for r in reports} == {"daily": ("cat@example.org",), "quiet": ()}
    assert [m["To"] for m in inbox.messages] == ["cat@example.org"]  # type: ignore[attr-defined]


def test_a_one_click_unsubscribe_url_is_offered_with_its_post_header(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """RFC 8058: the https link first (recipient and digest filled in), then the mailto."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port, digests=(replace(DAILY, recipients=("ann+x@example.org",)),))
    url = "https://feeds.example.org/unsubscribe?who={recipient}&list={digest}"
    cfg = replace(
        cfg, digest=email(port, unsubscribe_url=url, unsubscribe="leave@feeds.example.org")
    )
    produce(cfg, Clock(DUE))
    (message,) = inbox.messages  # type: ignore[attr-defined]
    assert message["List-Unsubscribe"].strip() == (
        "<https://feeds.example.org/unsubscribe?who=ann%2Bx%40example.org&list=daily>, "
        "<mailto:leave@feeds.example.org?subject=unsubscribe%20daily>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_after_an_outage_missed_days_are_issued_but_a_new_digest_starts_now(tmp_path: Path) -> None:
    """A digest that ran before catches up on the days it missed (a week back at most); a
    digest seen for the first time starts with its latest period, not with history."""
    cfg = setup(tmp_path)
    produce(cfg, Clock(DUE))
    three_days_later = DUE + timedelta(days=3)
    reports = produce(cfg, Clock(three_days_later))
    assert [r.first_day for r in reports] == [date(2026, 3, d) for d in (5, 6, 7)]
    newcomer = replace(cfg, digests=(*cfg.digests, DigestSpec("fresh", "Fresh", timezone=NY)))
    (fresh,) = produce(newcomer, Clock(three_days_later))
    assert (fresh.digest_id, fresh.first_day) == ("fresh", date(2026, 3, 7))


def test_hidden_articles_never_appear_and_filters_choose_stories(tmp_path: Path) -> None:
    """A hidden story is left out; tags and sources filters match any visible copy."""
    specs = (
        DAILY,
        DigestSpec("official", "Official", timezone=NY, tags=("official",)),
        DigestSpec("rep", "Republisher", timezone=NY, sources=("rep",)),
    )
    cfg = setup(tmp_path, *specs)
    with Store.open(cfg.database) as store:
        assert store.curate("expo", "hide", at=DUE) == "changed"
    reports = {r.digest_id: r for r in produce(cfg, Clock(DUE))}
    assert {k: r.stories for k, r in reports.items()} == {"daily": 3, "official": 2, "rep": 1}
    daily = (cfg.output_dir / "digests/daily/2026-03-04.txt").read_text()
    assert "Lasers at the Expo" not in daily
    rep = (cfg.output_dir / "digests/rep/2026-03-04.txt").read_text()
    assert "Alliance Reaffirmed" in rep  # the story, through the republisher's copy


def test_a_topic_feed_filter_keeps_only_its_stories(tmp_path: Path) -> None:
    """`feed: <topic>`: only stories a visible copy of which matches the topic's query."""
    topic = TopicFeed("alliance", "Alliance", "alliance OR lasers")
    spec = DigestSpec("topic", "Alliance and lasers", timezone=NY, feed="alliance")
    cfg = setup(tmp_path, spec, feeds=(topic,))
    (report,) = produce(cfg, Clock(DUE))
    assert report.stories == 2
    text = (cfg.output_dir / "digests/topic/2026-03-04.txt").read_text()
    assert "Alliance Reaffirmed" in text and "Lasers at the Expo" in text
    assert "Paid Analysis" not in text


def test_digests_are_left_to_the_process_already_issuing_them(tmp_path: Path) -> None:
    """A cron run and a worker never issue or mail digests at once: the `digests` lease."""
    cfg = setup(tmp_path)
    with Store.open(cfg.database) as store:
        assert store.acquire_lease("digests", "other-host:1:x", DUE, timedelta(minutes=5))
    assert produce(cfg, Clock(DUE)) == ()
    assert issued(cfg) == []
    with Store.open(cfg.database) as store:
        store.release_leases(["digests"], "other-host:1:x")
    (report,) = produce(cfg, Clock(DUE))
    assert report.digest_id == "daily" and issued(cfg) == [("daily", "2026-03-04", True)]


def test_sending_by_hand_waits_for_the_process_issuing_digests(tmp_path: Path) -> None:
    """`digest --send` takes the same `digests` lease as runs and workers."""
    cfg = setup(tmp_path)
    with Store.open(cfg.database) as store:
        assert store.acquire_lease("digests", "other-host:1:x", DUE, timedelta(minutes=5))

    async def go() -> DigestReport:
        async with open_services(cfg, workers=0, clock=Clock(DUE)) as services:
            return await make_digest(services, DAILY, date(2026, 3, 4), send=True)

    with pytest.raises(PublishError, match="other-host:1:x"):
        asyncio.run(go())
    assert issued(cfg) == []


def test_max_articles_caps_a_digest_and_it_says_so(tmp_path: Path) -> None:
    """The newest stories are kept, and the digest says how many there were."""
    cfg = setup(tmp_path, digest=DigestSettings(max_articles=2))
    (report,) = produce(cfg, Clock(DUE))
    assert report.stories == 2
    assert (
        "The newest 2 of 4 stories" in (cfg.output_dir / "digests/daily/2026-03-04.txt").read_text()
    )


def test_a_period_not_over_is_previewed_not_archived(tmp_path: Path) -> None:
    """`syndicator digest --date today` writes the files to look at, and nothing else."""
    cfg = setup(tmp_path)

    async def go() -> DigestReport:
        async with open_services(cfg, workers=0, clock=Clock(IN_DAY)) as services:
            with pytest.raises(ValueError, match="once its period is over"):
                await make_digest(services, DAILY, date(2026, 3, 4), send=True)
            return await make_digest(services, DAILY, date(2026, 3, 4), send=False)

    report = asyncio.run(go())
    assert report.stories == 4
    assert (cfg.output_dir / "digests/daily/2026-03-04.html").is_file()
    assert issued(cfg) == [] and not (cfg.output_dir / "digests/index.html").exists()


def test_sending_by_hand_issues_the_digest_so_the_schedule_sends_nothing_more(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """`syndicator digest --send` mails who has not had it; the scheduled run then skips it."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port)

    async def go() -> DigestReport:
        async with open_services(cfg, workers=0, clock=Clock(DUE - timedelta(hours=1))) as services:
            return await make_digest(services, DAILY, date(2026, 3, 4), send=True)

    assert sorted(asyncio.run(go()).sent) == ["ann@example.org", "bob@example.org"]
    assert ("daily", "2026-03-04", True) in issued(cfg)
    produce(cfg, Clock(DUE))
    assert len(inbox.messages) == 2  # type: ignore[attr-defined]


def test_a_run_produces_the_digests_that_are_due(tmp_path: Path) -> None:
    """`run_pass` ends with the due digests, so cron-only installations get them too."""
    cfg = setup(tmp_path)
    cfg = replace(cfg, sources=tuple(replace(s, enabled=False) for s in SOURCES))

    async def go():  # type: ignore[no-untyped-def]
        async with open_services(cfg, workers=0, clock=Clock(DUE)) as services:
            return await run_pass(services)

    report = asyncio.run(go())
    assert [(d.digest_id, d.first_day) for d in report.digests] == [("daily", date(2026, 3, 4))]
    assert (cfg.output_dir / "digests/daily/2026-03-04.md").is_file()


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


def test_our_copies_follow_edits_hides_and_undos_when_publishing(tmp_path: Path) -> None:
    """A copy a digest linked is rendered again when its story is edited, becomes a notice
    when an editor hides the story, and comes back when the hide is undone."""
    cfg = setup(tmp_path)
    produce(cfg, Clock(DUE))
    page = cfg.output_dir / "articles" / "orig.html"
    assert "First paragraph of orig" in page.read_text()

    def publish_at(moment: datetime) -> tuple[str, ...]:
        async def go() -> tuple[str, ...]:
            async with open_services(cfg, workers=0, clock=Clock(moment)) as services:
                return await publish_site(services)

        return asyncio.run(go())

    assert "articles/orig.html" not in publish_at(DUE)  # nothing changed: not rewritten
    edited = article(
        "orig",
        IN_DAY,
        title="Alliance Reaffirmed",
        content_html="<p>Corrected text.</p>",
        content_text="Corrected text.",
        content_hash="hash-orig-2",
    )
    with Store.open(cfg.database) as store:
        store.save_article("dod", Prepared(edited), DUE + timedelta(hours=1))
    assert "articles/orig.html" in publish_at(DUE + timedelta(hours=2))
    assert "Corrected text." in page.read_text()
    with Store.open(cfg.database) as store:
        assert store.curate("orig", "hide", at=DUE) == "changed"
    publish_at(DUE + timedelta(hours=3))
    withdrawn = page.read_text()
    assert "no longer available" in withdrawn and "Corrected" not in withdrawn
    with Store.open(cfg.database) as store:
        assert store.curate("orig", "unhide", at=DUE) == "changed"
    publish_at(DUE + timedelta(hours=4))
    assert "Corrected text." in page.read_text()


def test_a_source_switched_to_summary_loses_its_full_copies(tmp_path: Path) -> None:
    """Our full copy is for sources we publish in full: once the editor sets the source
    to `publish: summary`, the next publish replaces the copy with the notice, and the
    configuration change alone makes that publish render (no article changed)."""
    cfg = setup(tmp_path)
    produce(cfg, Clock(DUE))
    page = cfg.output_dir / "articles" / "orig.html"
    assert "First paragraph of orig" in page.read_text()

    def publish_with(config: Config) -> tuple[str, ...]:
        async def go() -> tuple[str, ...]:
            async with open_services(config, workers=0, clock=Clock(DUE)) as services:
                return await publish_site(services, only_if_changed=True)

        return asyncio.run(go())

    publish_with(cfg)
    assert publish_with(cfg) == ()  # nothing changed: nothing rendered
    summary = tuple(
        replace(source, publish="summary") if source.id == "dod" else source
        for source in cfg.sources
    )
    assert "articles/orig.html" in publish_with(replace(cfg, sources=summary))
    text = page.read_text()
    assert "no longer available" in text and "First paragraph of orig" not in text


def test_a_recipient_taken_off_the_list_gets_no_more_mail(
    tmp_path: Path, smtp: tuple[object, int]
) -> None:
    """A delivery left failed for someone no longer configured is not retried, by a run or by --send."""
    inbox, port = smtp
    cfg = setup(tmp_path, port=port)
    produce(cfg, Clock(DUE - timedelta(days=1)))
    inbox.clear()  # type: ignore[attr-defined]
    inbox.refuse.add("bob@example.org")  # type: ignore[attr-defined]
    produce(cfg, Clock(DUE))
    inbox.refuse.clear()  # type: ignore[attr-defined]
    only_ann = replace(cfg, digest=email(port, to=("ann@example.org",)))
    assert produce(only_ann, Clock(DUE + timedelta(hours=1))) == ()

    async def send_by_hand() -> DigestReport:
        async with open_services(
            only_ann, workers=0, clock=Clock(DUE + timedelta(hours=2))
        ) as services:
            return await make_digest(services, DAILY, date(2026, 3, 4), send=True)

    report = asyncio.run(send_by_hand())
    assert report.sent == () and report.failed == ()
    assert [m["To"] for m in inbox.messages] == ["ann@example.org"]  # type: ignore[attr-defined]
