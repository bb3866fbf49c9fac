"""Replacing a file atomically: what published files and `sources.yaml` edits share.

A reader (a web server, a feed reader, the next run) must never see half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(target: Path, data: bytes, *, mode: int, later_than_ns: int | None = None) -> None:
    """Replace `target` with `data` in one step: a temporary file in the same folder,
    fsync, `mode`, rename, fsync of the folder. With `later_than_ns` (the old file's
    mtime) the new file's mtime is at least a second later (see `_advance_mtime`)."""
    # A dot-name in the same folder: the rename stays on one file system, and the
    # server never serves dot-files, so a half-written temporary is never seen.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(mode)
        if later_than_ns is not None:
            _advance_mtime(Path(temporary), later_than_ns)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def _advance_mtime(path: Path, previous_mtime: int) -> None:
    """Give changed bytes a Last-Modified second later than the old file's.

    HTTP dates have one-second resolution: a file rewritten within the second of its
    previous version would keep its Last-Modified, and clients that revalidate by date
    (libcurl, so newsboat) would keep the old copy.
    """
    second = 1_000_000_000
    earliest = (previous_mtime // second + 1) * second
    current = path.stat().st_mtime_ns
    if current < earliest:
        os.utime(path, ns=(earliest, earliest))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (not possible on every platform)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(descriptor)
