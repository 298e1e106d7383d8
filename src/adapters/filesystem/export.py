"""Placing a blob at a user-chosen path atomically, as an independent copy.

Never a hard link: the user owns what cpbatch places (may edit, annotate, chmod it), and an
edit must never reach the stored blob that other exports and other users are served from."""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import suppress
from pathlib import Path

from adapters.filesystem.layout import fsync_dir


def export_blob(source: Path, destination: Path, *, fsync: bool) -> None:
    """Make `destination` hold `source`'s bytes. Readers of `destination` see either the old
    file or the complete new one, never a partial file. Synchronous: run it in a thread."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A fixed-length temp name: the destination's own name may already use all 255 bytes.
    temp = destination.parent / f".cpbatch-{uuid.uuid4().hex}.part"
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
    # copyfile uses the kernel's copy (sendfile/copy_file_range) where it can; the copy gets
    # default permissions, not the blob's read-only mode.
    shutil.copyfile(source, temp)
    if fsync:
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
