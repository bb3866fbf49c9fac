"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .database import KnownEntry, SaveResult, Store

__all__ = ["KnownEntry", "SaveResult", "Store"]
