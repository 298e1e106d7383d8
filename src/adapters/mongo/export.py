"""Writing a stream of bytes to a user-chosen path atomically (temp file, fsync, rename).

Disk work runs in worker threads. Readers of `destination` see the old file or the complete
new one, never a partial file; on any failure or cancellation the temp file is removed."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO


async def export_stream(chunks: AsyncIterator[bytes], destination: Path) -> None:
    """Raises OSError for disk failures; whatever `chunks` raises propagates unchanged."""
    parent = destination.parent
    await asyncio.to_thread(parent.mkdir, parents=True, exist_ok=True)
    # A fixed-length temp name: the destination's own name may already use all 255 bytes.
    temp = parent / f".cpbatch-{uuid.uuid4().hex}.part"
    try:
        handle: BinaryIO = await asyncio.to_thread(open, temp, "xb")
        try:
            async for chunk in chunks:
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(_flush_and_sync, handle)
        finally:
            handle.close()  # after a flush this cannot block long; must run even if cancelled
        await asyncio.to_thread(os.replace, temp, destination)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    await asyncio.to_thread(_fsync_dir, parent)


def _flush_and_sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make the rename durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
