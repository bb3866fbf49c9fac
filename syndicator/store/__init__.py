"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .database import KnownEntry, Outcome, Saved, Store

__all__ = ["KnownEntry", "Outcome", "Saved", "Store"]
