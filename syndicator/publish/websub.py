"""Tell a WebSub hub which feeds changed, so subscribers hear of it at once.

The publish ping is the PubSubHubbub 0.3 form the common hubs accept:
`POST hub.mode=publish&hub.url=<feed URL>`. One request per feed, a few at a time,
so one refused URL does not hide the others. Failures come back as values.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from ..models import Failure

STAGE = "websub"
MAX_CONCURRENT_PINGS = 4


async def notify_hub(
    client: httpx.AsyncClient, hub: str, feed_urls: Sequence[str]
) -> list[Failure]:
    """POST a publish notification for each feed URL; return what failed (empty: all ok)."""
    gate = asyncio.Semaphore(MAX_CONCURRENT_PINGS)

    async def ping(feed_url: str) -> Failure | None:
        async with gate:
            return await _ping(client, hub, feed_url)

    unique = list(dict.fromkeys(feed_urls))
    results = await asyncio.gather(*(ping(url) for url in unique))
    return [failure for failure in results if failure is not None]


async def _ping(client: httpx.AsyncClient, hub: str, feed_url: str) -> Failure | None:
    form = {"hub.mode": "publish", "hub.url": feed_url}
    try:
        response = await client.post(hub, data=form)
    except httpx.TimeoutException as exc:
        return Failure(STAGE, "timeout", f"hub {hub} timed out: {exc}", url=feed_url)
    except httpx.HTTPError as exc:
        return Failure(STAGE, "network", f"hub {hub} unreachable: {exc}", url=feed_url)
    if not response.is_success:
        reason = response.text.strip()[:200] or response.reason_phrase
        message = f"hub {hub} answered {response.status_code}: {reason}"
        return Failure(STAGE, "http_status", message, url=feed_url)
    return None
