"""Cutting a stored blob into numbered part files ("notes.pdf.001", ".002"...) for files above
Telegram's upload limit, one part on disk at a time. File writes run in worker threads."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, AsyncIterator, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cpbatch.domain.errors import StorageError
from cpbatch.domain.naming import MAX_NAME_BYTES


@dataclass(frozen=True, slots=True)
class PartFile:
    number: int  # 1-based
    count: int
    name: str
    path: Path
    size: int


def part_count(size: int, max_part_size: int) -> int:
    return max(1, -(-size // max_part_size))


def part_name(name: str, number: int) -> str:
    """'notes.pdf' -> 'notes.pdf.001', cut (never the suffix) to stay a valid 255-byte name for
    whoever saves it."""
    suffix = f".{number:03d}"
    budget = MAX_NAME_BYTES - len(suffix.encode())
    kept = name.encode()[:budget].decode("utf-8", errors="ignore")
    return kept + suffix


async def split_into_parts(
    chunks: AsyncIterator[bytes],
    size: int,
    max_part_size: int,
    directory: Path,
    name: str,
    *,
    skip: Collection[int] = (),
) -> AsyncGenerator[PartFile, None]:
    """Yield each part once it is written whole; it is deleted when the consumer asks for the
    next one. Parts in `skip` are read past, not written. Raises StorageError when the blob
    does not have `size` bytes."""
    count = part_count(size, max_part_size)
    number, filled, total = 1, 0, 0
    handle: BinaryIO | None = None
    try:
        async for chunk in chunks:
            total += len(chunk)
            if total > size:
                raise StorageError(f"{name}: the stored copy is longer than {size} bytes.")
            while chunk:
                # Slicing copies only the one chunk that straddles a part boundary.
                piece, chunk = chunk[: max_part_size - filled], chunk[max_part_size - filled :]
                if number not in skip:
                    if handle is None:
                        # A short name on disk: the display name may already use all 255 bytes.
                        path = directory / f"part-{number:03d}"
                        handle = await asyncio.to_thread(_open, path)
                    await asyncio.to_thread(_write, handle, piece)
                filled += len(piece)
                if filled == max_part_size and number < count:
                    part, handle = await _finish(handle, number, count, name, filled), None
                    if part is not None:
                        yield part
                        await asyncio.to_thread(part.path.unlink, True)
                    number, filled = number + 1, 0
        if total != size:
            raise StorageError(f"{name}: the stored copy has {total} bytes, not {size}.")
        part, handle = await _finish(handle, number, count, name, filled), None
        if part is not None:
            yield part
            await asyncio.to_thread(part.path.unlink, True)
    finally:
        if handle is not None:
            await asyncio.to_thread(handle.close)


async def _finish(
    handle: BinaryIO | None, number: int, count: int, name: str, size: int
) -> PartFile | None:
    if handle is None:  # a skipped part
        return None
    await asyncio.to_thread(_close, handle)
    return PartFile(number, count, part_name(name, number), Path(handle.name), size)


def _open(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


def _write(handle: BinaryIO, piece: bytes) -> None:
    # Runs of zeros become holes (as `cp --sparse` does): they read back as zeros, take no disk.
    if piece[:1] == b"\0" and piece.count(0) == len(piece):
        handle.seek(len(piece), os.SEEK_CUR)
    else:
        handle.write(piece)


def _close(handle: BinaryIO) -> None:
    handle.truncate()  # gives a part that ends in a hole its full length
    handle.close()
