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

from .digests import make_digest, produce_due_digests
from .passes import run_pass
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
