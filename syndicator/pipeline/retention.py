"""Retention: what `prune` may remove, decided from the configuration and the store.

The store's `PROTECTED` queries keep what SQL alone can find (the newest items of the
combined, source and tag feeds, pinned articles, stories a digest may still show);
topic feeds select by full-text query, so their newest stories are read here and named.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..digest.periods import digests_may_show_since
from ..models import Config
from ..store import Pruned, Store


def prune_store(
    config: Config, store: Store, *, older_than: timedelta, now: datetime, dry_run: bool
) -> Pruned:
    """Remove articles dated before `now - older_than` that nothing published shows."""
    limit = config.publish.items_per_feed
    topics = {s.article.id for feed in config.feeds for s in store.topic_stories(feed, limit)}
    return store.prune(
        now - older_than,
        items_per_feed=limit,
        digest_start=digests_may_show_since(config, now),
        now=now,
        keep=topics,
        dry_run=dry_run,
    )
