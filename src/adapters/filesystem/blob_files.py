"""One stored blob on disk, reached through its fan-out folders without following links.

Synchronous: run these in a worker thread. A blob is `root/ab/cd/<sha256>`; a fan-out folder
that is a link (or a blob that is one) is refused with StorageError, so nothing is read from,
written to or deleted in a folder outside the store."""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

from cpbatch.adapters.filesystem.export import export_blob
from cpbatch.adapters.filesystem.folders import open_folder
from cpbatch.adapters.filesystem.layout import fan_out
from cpbatch.domain.errors import StorageError


def open_blob(root: Path, sha256: str) -> int | None:
    """A read-only descriptor of the blob, or None when it is not stored."""
    try:
        with open_folder(root, fan_out(sha256), create=False) as folder:
            return folder.open_read(sha256)
    except FileNotFoundError:
        return None


def blob_stat(root: Path, sha256: str) -> os.stat_result | None:
    """The blob's stat (a regular file's), or None when it is not stored."""
    try:
        with open_folder(root, fan_out(sha256), create=False) as folder:
            found = folder.lstat(sha256)
    except FileNotFoundError:
        return None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise StorageError(f"Blob {sha256} in the store at {root} is not a regular file.")
    return found


def touch_blob(root: Path, sha256: str, older_than: float) -> int | None:
    """The blob's size, after moving its mtime to now if it is older than `older_than` (a
    timestamp); None when it is not stored."""
    try:
        with open_folder(root, fan_out(sha256), create=False) as folder:
            found = folder.lstat(sha256)
            if found is None:
                return None
            if found.st_mtime < older_than:
                # Best effort: only the order after a restart would be a little off.
                with suppress(OSError):
                    folder.utime(sha256)
            return found.st_size
    except FileNotFoundError:
        return None


def delete_blob(root: Path, sha256: str) -> None:
    """Remove the blob; a missing one is not an error."""
    try:
        with open_folder(root, fan_out(sha256), create=False) as folder:
            folder.unlink(sha256)
    except FileNotFoundError:
        return


def export_stored(
    root: Path,
    sha256: str,
    within: Path,
    destination: Path,
    *,
    replace: bool,
    fsync: bool,
    sweep: bool,
) -> None:
    """Place a copy of the blob at `destination`, below `within` (see `export_blob`)."""

    def source() -> int:
        opened = open_blob(root, sha256)
        if opened is None:
            raise StorageError(f"Blob {sha256} is not in the store at {root}.")
        return opened

    export_blob(source, within, destination, replace=replace, fsync=fsync, sweep=sweep)
