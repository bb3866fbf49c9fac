"""Where published files go: a small "write this file" target, and a local folder.

A reader must never see half a feed, and a file whose bytes did not change must not
be touched (its Last-Modified and ETag would lie). `LocalFolder` writes a temporary
file in the same folder, fsyncs it, renames it over the old one and fsyncs the
folder. Object storage behind a CDN will be another `OutputTarget`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol

from ..errors import PublishError
from ..files import replace_file
from .channels import DIGEST_ARCHIVE_PATH, INDEX_PATH, OPML_PATH

FILE_MODE = 0o644  # world-readable: the web server usually runs as another user


class OutputTarget(Protocol):
    """Somewhere published files can be written, one relative path at a time."""

    def write(self, path: str, data: bytes) -> bool:
        """Store `data` at `path`; True when the bytes changed and were written."""
        ...


class LocalFolder:
    """An output folder on this machine, written atomically and only where bytes changed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalFolder({str(self.root)!r})"

    def write(self, path: str, data: bytes) -> bool:
        target = self.root / check_relative_path(path)
        previous_mtime: int | None = None
        try:
            if target.read_bytes() == data:
                return False
            previous_mtime = target.stat().st_mtime_ns
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PublishError(f"cannot read {target}: {exc.strerror or exc}") from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_file(target, data, mode=FILE_MODE, later_than_ns=previous_mtime)
        except OSError as exc:
            raise PublishError(f"cannot write {target}: {exc.strerror or exc}") from exc
        return True


def check_relative_path(path: str) -> PurePosixPath:
    """`path` as a safe relative path; PublishError for absolute paths, `..` or dot-files."""
    relative = PurePosixPath(path)
    parts = relative.parts
    if not parts or relative.is_absolute() or "\\" in path or "\x00" in path:
        raise PublishError(f"not a relative output path: {path!r}")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        raise PublishError(f"not a relative output path: {path!r}")
    return relative


def write_outputs(
    target: OutputTarget, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]
) -> tuple[str, ...]:
    """Write every file; return the paths whose bytes changed.

    Feeds and assets go first and the pages that link them (the digest archive,
    feeds.opml, index.html) last, so a reader following a link never finds a file that
    is not there yet. A mapping is put in that order here; pairs (from `iter_outputs`)
    come in it already.
    """
    pairs = (
        ((path, files[path]) for path in sorted(files, key=_write_order))
        if isinstance(files, Mapping)
        else files
    )
    return tuple(path for path, data in pairs if target.write(path, data))


_LINKING_PAGES = (DIGEST_ARCHIVE_PATH, OPML_PATH, INDEX_PATH)


def _write_order(path: str) -> tuple[int, str]:
    rank = _LINKING_PAGES.index(path) + 1 if path in _LINKING_PAGES else 0
    return rank, path
