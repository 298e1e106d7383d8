"""Deterministic file bytes: a pure function of (world seed, content key, size, extension).

A file is a short format-appropriate header naming its content key, followed by bytes of one
shared pseudo-random block read from a per-key rotation offset. Any byte range is computed in
O(range) by slicing memoryviews, so multi-GB files cost nothing until they are read.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Protocol

BLOCK_SIZE = 1 << 20
CHUNK_SIZE = 256 * 1024

_MAGIC_BY_EXTENSION = {
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff\xe0",
    "jpeg": b"\xff\xd8\xff\xe0",
    "zip": b"PK\x03\x04",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
}


class ContentAddressed(Protocol):
    """What decides a file's bytes (a `world.Document` satisfies it)."""

    @property
    def key(self) -> int: ...

    @property
    def size(self) -> int: ...

    @property
    def ext(self) -> str: ...


def header_for(key: int, ext: str) -> bytes:
    magic = _MAGIC_BY_EXTENSION.get(ext.lower(), b"")
    return magic + f"% cpbatch simulator content {key}\n".encode()


class ContentSource:
    """Serves the bytes of every file of one world; caches sha256 digests per content."""

    def __init__(self, seed: int) -> None:
        block = random.Random(seed).randbytes(BLOCK_SIZE)  # noqa: S311 - reproducible, not secret
        # The first chunk repeated at the end lets any chunk-sized read be one slice.
        self._ring = memoryview(block + block[:CHUNK_SIZE])
        self._seed = seed
        self._digests: dict[tuple[int, int, str], str] = {}

    def _rotation(self, key: int) -> int:
        digest = hashlib.blake2b(f"{self._seed}:{key}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % BLOCK_SIZE

    def iter_range(
        self, file: ContentAddressed, start: int, end: int, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes | memoryview]:
        """Bytes `[start, end)` of `file`, in pieces of at most `chunk_size` bytes."""
        end = min(end, file.size)
        chunk_size = min(chunk_size, CHUNK_SIZE)
        header = header_for(file.key, file.ext)
        position = max(start, 0)
        if position < len(header) and position < end:
            stop = min(end, len(header))
            yield header[position:stop]
            position = stop
        rotation = self._rotation(file.key)
        while position < end:
            count = min(chunk_size, end - position)
            at = (rotation + position) % BLOCK_SIZE
            yield self._ring[at : at + count]
            position += count

    def read(self, file: ContentAddressed, start: int = 0, length: int | None = None) -> bytes:
        """A byte range as one `bytes` object; for tests and small files only."""
        end = file.size if length is None else start + length
        return b"".join(bytes(piece) for piece in self.iter_range(file, start, end))

    def sha256(self, file: ContentAddressed) -> str:
        """Hex sha256 of the whole file, streamed and cached. CPU-bound: off the loop for big
        files (`asyncio.to_thread`)."""
        cache_key = (file.key, file.size, file.ext)
        cached = self._digests.get(cache_key)
        if cached is None:
            digest = hashlib.sha256()
            for piece in self.iter_range(file, 0, file.size):
                digest.update(piece)
            cached = self._digests[cache_key] = digest.hexdigest()
        return cached
