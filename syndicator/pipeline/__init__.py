"""One pass over the sources: the only package that combines network, parsing and storage.

For each source (`sources.check_source`): fetch its feed or index page (conditional
GET), discover entries, fetch and extract the pages of new or changed entries, and save
each article as it is ready. CPU-heavy work (feed parsing, extraction, story
signatures) runs in worker processes so it never stalls the fetchers; the event loop is
the database's one writer. A source holds at most `per_host_concurrency` pages at a
time, so memory stays flat however many sources a pass checks. Failures are recorded
per source and stage; the pass goes on. Then publish (`publishing.publish_site`):
render every output from the store, write what changed. Then the digests that are due
(`digests.produce_due_digests`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ..models import RunReport, Source
from .digests import make_digest, produce_due_digests
from .publishing import publish_site
from .services import Services, offload, utc_now
from .sources import check_source

__all__ = [
    "Services",
    "check_source",
    "make_digest",
    "offload",
    "produce_due_digests",
    "publish_site",
    "run_pass",
    "utc_now",
]


async def run_pass(
    services: Services, sources: Sequence[Source] | None = None, *, force: bool = False
) -> RunReport:
    """Check the given (default: all enabled) sources concurrently, then publish, then
    produce the digests that are due (and send mail not yet delivered)."""
    started = services.clock()
    services.store.sync_sources(services.config.sources, started)
    chosen = [s for s in (sources or services.config.sources) if s.enabled]
    with services.store.grouped():
        reports = await asyncio.gather(*(check_source(services, s, force=force) for s in chosen))
        services.store.save_host_blocks(services.fetcher.blocked_until)
    published = await publish_site(services, only_if_changed=True)
    digests = await produce_due_digests(services)
    return RunReport(started, services.clock(), tuple(reports), published, digests)
