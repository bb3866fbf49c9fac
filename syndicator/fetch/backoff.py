"""When to try a source again after consecutive failures."""

from __future__ import annotations

import random
from datetime import timedelta

# The jittered delay lands in [JITTER_FLOOR, 1] x the exponential delay, so sources that
# failed together (one host down) do not all come back in the same second.
JITTER_FLOOR = 0.75
_MAX_DOUBLINGS = 64  # 2**64 intervals is past any cap; keeps the arithmetic finite


def next_attempt(
    failures: int, *, interval: timedelta, max_backoff: timedelta, rng: random.Random
) -> timedelta:
    """Delay before the next attempt: the interval doubled per failure, capped, with jitter.

    No failures means the source's own interval. The cap is `max_backoff` (or the interval
    when that is longer), so a failing source is retried for ever, never disabled.
    """
    if failures <= 0:
        return interval
    ceiling = max(interval, max_backoff).total_seconds()
    doubled = interval.total_seconds() * 2.0 ** min(failures, _MAX_DOUBLINGS)
    target = min(doubled, ceiling) * rng.uniform(JITTER_FLOOR, 1.0)
    return max(interval, timedelta(seconds=target))
