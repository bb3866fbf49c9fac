"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .browsing import SearchHit, StoryCopy
from .curation import Change, CurationAction, CurationRecord
from .database import KnownEntry, Outcome, Store

__all__ = [
    "Change",
    "CurationAction",
    "CurationRecord",
    "KnownEntry",
    "Outcome",
    "SearchHit",
    "Store",
    "StoryCopy",
]
