"""Placing a blob at a user-chosen path atomically, as an independent copy.

Never a hard link: the user owns what cpbatch places (may edit, annotate, chmod it), and an
edit must never reach the stored blob that other exports and other users are served from."""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import suppress
from pathlib import Path

from cpbatch.adapters.filesystem.layout import fsync_dir, temp_name


def export_blob(source: Path, destination: Path, *, fsync: bool) -> None:
    """Make `destination` hold `source`'s bytes. Readers of `destination` see either the old
    file or the complete new one, never a partial file. Synchronous: run it in a thread."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A fixed-length temp name: the destination's own name may already use all 255 bytes.
    temp = destination.parent / temp_name()
    try:
        _copy(source, temp, fsync=fsync)
        os.replace(temp, destination)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    if fsync:
        fsync_dir(destination.parent)


def _copy(source: Path, temp: Path, *, fsync: bool) -> None:
    # copy_file_range lets the kernel copy without passing the bytes through Python, and on
    # filesystems with reflinks (btrfs, XFS) it shares the blocks: the copy is then free. The
    # copy gets default permissions, not the blob's read-only mode.
    try:
        with open(source, "rb") as reader, open(temp, "xb") as writer:
            remaining = os.fstat(reader.fileno()).st_size
            while remaining > 0:
                copied = os.copy_file_range(reader.fileno(), writer.fileno(), remaining)
                if copied == 0:
                    raise OSError("the blob ended early while being copied")
                remaining -= copied
            if fsync:
                os.fsync(writer.fileno())
    except OSError as error:
        if error.errno not in _NO_COPY_RANGE:
            raise
        with suppress(FileNotFoundError):
            os.unlink(temp)
        shutil.copyfile(source, temp)  # older kernels, or across filesystems
        if fsync:
            with open(temp, "rb+") as written:
                os.fsync(written.fileno())


_NO_COPY_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL}
