"""Writing a stream of bytes to a user-chosen path atomically (temp file, fsync, rename), never
outside the folder it must stay in: the destination's folders are opened without following
symbolic links, and the temp file is written and renamed relative to the opened folder (see
`cpbatch.adapters.filesystem.folders`).

Disk work runs in worker threads. Readers of `destination` see the old file or the complete
new one, never a partial file; on any failure or cancellation the temp file is removed."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path

from cpbatch.adapters.filesystem.export import placed_name
from cpbatch.adapters.filesystem.folders import Folder, open_folder
from cpbatch.adapters.filesystem.layout import temp_name


async def export_stream(chunks: AsyncIterator[bytes], root: Path, destination: Path) -> None:
    """Raises OSError for disk failures, StorageError for a link below `root` or a destination
    outside it; whatever `chunks` raises propagates unchanged."""
    folders, name = placed_name(root, destination)
    opening = open_folder(root, folders, create=True)
    folder = await asyncio.to_thread(opening.__enter__)
    try:
        # A fixed-length temp name: the destination's own name may already use all 255 bytes.
        temp = temp_name()
        try:
            await _write(chunks, folder, temp)
            await asyncio.to_thread(folder.move, temp, folder, name)
        except BaseException:
            with suppress(OSError):
                folder.unlink(temp)
            raise
        await asyncio.to_thread(folder.fsync)
    finally:
        opening.__exit__(None, None, None)  # closes a descriptor: cannot block


async def _write(chunks: AsyncIterator[bytes], folder: Folder, temp: str) -> None:
    fd = await asyncio.to_thread(folder.create, temp, 0o666)  # the user's own file: umask
    try:
        async for chunk in chunks:
            await asyncio.to_thread(_write_all, fd, chunk)
        await asyncio.to_thread(os.fsync, fd)
    finally:
        os.close(fd)  # after a flush this cannot block long; must run even if cancelled


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
