"""The `syndicator` command: builds settings and services, calls the library, reports.

One module per area of work, each adding its commands to the one group in `base`:
`passes` (run, publish, worker, serve, demo), `editing` (check, extract, search, hide),
`digests` (digest), `health` (status), `data` (db backup/restore/check, prune).
"""

from . import data, digests, editing, health, passes
from .base import main

__all__ = ["data", "digests", "editing", "health", "main", "passes"]
