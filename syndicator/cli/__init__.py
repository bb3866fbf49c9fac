"""The `syndicator` command: builds settings and services, calls the library, reports.

One module per area of work, each adding its commands to the one group in `base`:
`passes` (run, publish, worker, serve, demo), `editing` (extract), `sources` (the
`sources` group, and `check`), `articles` (the `articles` group, and `search`, `hide`),
`digests` (digest), `health` (status), `data` (db backup/restore/check, prune).
"""

from . import articles, data, digests, editing, health, passes, sources
from .base import main

__all__ = ["articles", "data", "digests", "editing", "health", "main", "passes", "sources"]
