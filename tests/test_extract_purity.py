"""The extraction and cleaning stages stay pure: no network, no storage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "syndicator"
PURE_MODULES = sorted([PACKAGE / "clean.py", *(PACKAGE / "extract").glob("*.py")])
FORBIDDEN = {"httpx", "sqlite_utils", "sqlite3", "requests", "urllib.request", "socket"}
FORBIDDEN_OURS = {"fetch", "store", "pipeline", "cli", "schedule"}


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}".lstrip(".") for alias in node.names)
    return names


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda path: path.name)
def test_pure_stage_imports_no_io(path: Path) -> None:
    """Extraction/cleaning modules import neither HTTP, storage nor the I/O stages."""
    names = imported_names(path)
    for name in names:
        root = name.split(".")[0]
        assert root not in FORBIDDEN and name not in FORBIDDEN, f"{path.name} imports {name}"
        assert not (set(name.split(".")) & FORBIDDEN_OURS), f"{path.name} imports {name}"


def test_modules_stay_small() -> None:
    """Each module of the stage stays under the house limit of about 400 lines."""
    for path in PURE_MODULES:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 420, path.name
