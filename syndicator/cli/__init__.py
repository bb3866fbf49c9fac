"""The `syndicator` command: builds settings and services, calls the library, reports.

One module per area of work, each adding its commands to the one group in `base`:
`passes` (run, publish, worker, serve, demo), `editing` (check, extract, search, hide),
`digests` (digest), `health` (status).
"""

from . import digests, editing, health, passes
from .base import main

__all__ = ["digests", "editing", "health", "main", "passes"]
