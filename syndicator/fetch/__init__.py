"""Polite, defensive HTTP fetching: the only stage that talks to the network.

`Fetcher` is the client a run shares; `next_attempt` is the per-source backoff the
scheduler applies after failures; `RobotsCache` is what the store implements to keep
robots.txt between runs.
"""

from __future__ import annotations

from ..charset import detect_encoding
from .backoff import next_attempt
from .client import Fetcher
from .guard import AddressPolicy, GuardedNetworkBackend
from .robots import MemoryRobotsCache, RobotsCache
from .transport import GuardedTransport

__all__ = [
    "AddressPolicy",
    "Fetcher",
    "GuardedNetworkBackend",
    "GuardedTransport",
    "MemoryRobotsCache",
    "RobotsCache",
    "detect_encoding",
    "next_attempt",
]
