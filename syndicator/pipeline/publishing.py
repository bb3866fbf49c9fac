"""Publishing from the store: render every output, write and announce what changed."""

from __future__ import annotations

import hashlib
import logging

from .. import publish
from ..models import Config
from .digests import refresh_story_pages, write_archive
from .services import Services

log = logging.getLogger(__name__)


async def publish_site(services: Services, *, only_if_changed: bool = False) -> tuple[str, ...]:
    """Render every output from the store; write (and announce) only files that changed.

    With `only_if_changed`, skip the rendering when neither the stored articles nor the
    configuration changed since the last publish (a pass that found nothing new).
    """
    config = services.config
    shown = _config_digest(config)
    key = f"{services.store.content_version()}:{shown}"
    last = services.store.published_key()
    if only_if_changed and last == key:
        return ()
    config_changed = last is None or not last.endswith(f":{shown}")
    # Rendered here, file by file, each channel read from the store as its turn comes:
    # memory stays at one channel's worth however many sources there are.
    limit = config.publish.items_per_feed
    files = publish.iter_outputs(config, lambda channel: services.store.recent(channel, limit))
    changed = publish.write_outputs(services.target, files)
    changed += refresh_story_pages(services, everything=config_changed)
    if config_changed:  # a digest added, renamed or removed shows in the archive
        changed += write_archive(services)
    services.store.set_published_key(key)
    services.store.mark_published(services.clock())
    hub = config.site.websub_hub
    changed_feeds = publish.changed_feed_urls(config, changed)
    if hub and changed_feeds and services.hub_client is not None:
        for failure in await publish.notify_hub(services.hub_client, hub, changed_feeds):
            log.warning("websub: %s", failure.message)
    return changed


def _config_digest(config: Config) -> str:
    """What of the configuration shows in published files (dataclass reprs are stable)."""
    shown = repr(
        (config.site, config.publish, config.sources, config.feeds, config.digests, config.digest)
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:16]
