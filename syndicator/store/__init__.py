"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .browsing import SearchHit, StoryCopy
from .curation import Change, CurationAction, CurationRecord
from .database import KnownEntry, Outcome, Saved, Store
from .leases import Lease
from .pruning import PROTECTED, Pruned
from .upkeep import check_file

__all__ = [
    "PROTECTED",
    "Change",
    "CurationAction",
    "CurationRecord",
    "KnownEntry",
    "Lease",
    "Outcome",
    "Pruned",
    "Saved",
    "SearchHit",
    "Store",
    "StoryCopy",
    "check_file",
]
