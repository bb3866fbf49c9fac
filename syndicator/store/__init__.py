"""Storage stage: SQLite through sqlite-utils, with migrations in code."""

from .database import KnownEntry, Outcome, Saved, Store
from .leases import Lease
from .pruning import PROTECTED, Pruned
from .upkeep import check_file

__all__ = [
    "PROTECTED",
    "KnownEntry",
    "Lease",
    "Outcome",
    "Pruned",
    "Saved",
    "Store",
    "check_file",
]
