"""Placing a blob at a user-chosen path atomically: hard link when possible, else a copy."""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import suppress
from pathlib import Path

import structlog

from adapters.filesystem.layout import fsync_dir

log = structlog.get_logger(__name__)


def export_blob(source: Path, destination: Path, *, fsync: bool) -> None:
    """Make `destination` hold `source`'s bytes. Readers of `destination` see either the old
    file or the complete new one, never a partial file. Synchronous: run it in a thread."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileNotFoundError):
        if os.path.samefile(source, destination):
            return  # already this blob (an earlier export linked it)
    # A fixed-length temp name: the destination's own name may already use all 255 bytes.
    temp = destination.parent / f".cpbatch-{uuid.uuid4().hex}.part"
    try:
        try:
            os.link(source, temp)
        except OSError as exc:  # EXDEV, EPERM, no hard links on this filesystem, ...
            log.debug("export_copying", reason=exc.strerror or type(exc).__name__)
            _copy(source, temp, fsync=fsync)
        os.replace(temp, destination)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    if fsync:
        fsync_dir(destination.parent)


def _copy(source: Path, temp: Path, *, fsync: bool) -> None:
    with open(source, "rb") as reader, open(temp, "xb") as writer:
        shutil.copyfileobj(reader, writer, 1024 * 1024)
        writer.flush()
        if fsync:
            os.fsync(writer.fileno())
