"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .database import KnownEntry, Outcome, Store

__all__ = ["KnownEntry", "Outcome", "Store"]
