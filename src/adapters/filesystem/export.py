"""Placing a blob at a user-chosen path atomically, as an independent copy, never outside it.

Never a hard link: the user owns what cpbatch places (may edit, annotate, chmod it), and an
edit must never reach the stored blob that other exports and other users are served from.
The destination's folders below `root` are opened without following links (see `folders`),
and the copy is written and renamed relative to the opened folder."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from cpbatch.adapters.filesystem.folders import Folder, folder_parts, open_folder
from cpbatch.adapters.filesystem.layout import sweep_dead_temp_files, temp_name


def placed_name(root: Path, destination: Path) -> tuple[tuple[str, ...], str]:
    """(folders below `root`, file name) of `destination`; StorageError if not below it."""
    parts = folder_parts(root, destination)
    return parts[:-1], parts[-1]


def already_placed(root: Path, destination: Path) -> bool:
    """Whether anything is at `destination` (below `root`; links below it refused)."""
    folders, name = placed_name(root, destination)
    try:
        with open_folder(root, folders, create=False) as folder:
            return folder.lstat(name) is not None
    except FileNotFoundError:
        return False


def export_blob(
    source: Callable[[], int],
    root: Path,
    destination: Path,
    *,
    replace: bool,
    fsync: bool,
    sweep: bool,
) -> None:
    """Make `destination` (below `root`) hold the bytes of the file `source()` opens (and this
    closes). Readers of `destination` see either the old file or the complete new one, never a
    partial file. With `replace=False` an existing entry is left as it is (and `source` is not
    opened). `sweep`: first remove partial copies a killed cpbatch left in that folder.
    Synchronous: run it in a thread."""
    folders, name = placed_name(root, destination)
    with open_folder(root, folders, create=True) as folder:
        if not replace and folder.lstat(name) is not None:
            return
        reader = source()
        try:
            if sweep:
                sweep_dead_temp_files(folder)
            _place(reader, folder, name, fsync=fsync)
        finally:
            os.close(reader)


def _place(reader: int, folder: Folder, name: str, *, fsync: bool) -> None:
    # A fixed-length temp name: the destination's own name may already use all 255 bytes.
    temp = temp_name()
    try:
        _copy(reader, folder, temp, fsync=fsync)
        folder.move(temp, folder, name)
    except BaseException:
        with suppress(OSError):
            folder.unlink(temp)
        raise
    if fsync:
        folder.fsync()


def _copy(source: int, folder: Folder, temp: str, *, fsync: bool) -> None:
    # copy_file_range lets the kernel copy without passing the bytes through Python, and on
    # filesystems with reflinks (btrfs, XFS) it shares the blocks: the copy is then free. The
    # copy gets the user's default permissions, not the blob's read-only mode.
    writer = folder.create(temp, 0o666)
    try:
        try:
            remaining = os.fstat(source).st_size
            while remaining > 0:
                copied = os.copy_file_range(source, writer, remaining)
                if copied == 0:
                    raise OSError("the blob ended early while being copied")
                remaining -= copied
        except OSError as error:
            if error.errno not in _NO_COPY_RANGE:
                raise
            _copy_plainly(source, writer)  # older kernels, or across filesystems
        if fsync:
            os.fsync(writer)
    finally:
        os.close(writer)


def _copy_plainly(source: int, writer: int) -> None:
    os.lseek(source, 0, os.SEEK_SET)
    os.lseek(writer, 0, os.SEEK_SET)
    os.ftruncate(writer, 0)
    with open(source, "rb", closefd=False) as reader, open(writer, "wb", closefd=False) as out:
        shutil.copyfileobj(reader, out, 1024 * 1024)


_NO_COPY_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL}
