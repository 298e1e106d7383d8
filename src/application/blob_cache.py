"""The read-through cache tiers: memory (LRU, bounded by bytes), then persistent blob stores
(filesystem, then GridFS when configured), then upstream. A hit below promotes upward."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from pathlib import Path

from cpbatch.application.ports import BlobStore
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import StoredFile


class MemoryBlobCache:
    """Small blobs kept in process memory, evicting the least recently used past max_bytes."""

    name = "memory"

    def __init__(self, max_bytes: int, max_item_bytes: int) -> None:
        self._blobs: OrderedDict[str, bytes] = OrderedDict()
        self._max_bytes = max_bytes
        self._max_item_bytes = min(max_item_bytes, max_bytes)
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def accepts(self, size: int) -> bool:
        return 0 <= size <= self._max_item_bytes

    def get(self, sha256: str) -> bytes | None:
        data = self._blobs.get(sha256)
        if data is not None:
            self._blobs.move_to_end(sha256)
        return data

    def put(self, sha256: str, data: bytes) -> None:
        if not self.accepts(len(data)) or sha256 in self._blobs:
            return
        self._blobs[sha256] = data
        self._size += len(data)
        while self._size > self._max_bytes:
            _, evicted = self._blobs.popitem(last=False)
            self._size -= len(evicted)

    def discard(self, sha256: str) -> None:
        data = self._blobs.pop(sha256, None)
        if data is not None:
            self._size -= len(data)


class TieredBlobStore:
    """`tiers` go fastest first; the last one is the store of record that `put` writes to."""

    def __init__(self, memory: MemoryBlobCache | None, tiers: Sequence[BlobStore]) -> None:
        if not tiers:
            raise ValueError("at least one persistent blob store is needed")
        self.memory = memory
        self._tiers = tuple(tiers)

    @property
    def record(self) -> BlobStore:
        return self._tiers[-1]

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        stored = await self.record.put(chunks)
        for upper in self._tiers[:-1]:
            await upper.put(self.record.read(stored.sha256))
        return stored

    async def locate(self, sha256: str, size: int, *, warm: bool = False) -> str | None:
        """The name of the fastest tier holding this blob at this size, promoting it upward
        into faster persistent tiers; with `warm`, also into memory when it fits there."""
        if self.memory is not None and self.memory.get(sha256) is not None:
            return self.memory.name
        for index, tier in enumerate(self._tiers):
            if await tier.stat(sha256) == size:
                for upper in self._tiers[:index]:
                    await upper.put(tier.read(sha256))
                if warm and self.memory is not None and self.memory.accepts(size):
                    await self.read_bytes(sha256, size)
                return tier.name
        return None

    async def read_bytes(self, sha256: str, size: int) -> bytes:
        """Whole content of a blob known to be stored; kept in memory if small enough."""
        if self.memory is not None and (cached := self.memory.get(sha256)) is not None:
            return cached
        data = b"".join([chunk async for chunk in self.read(sha256)])
        if len(data) != size:
            raise StorageError(f"Stored file {sha256[:12]}… has {len(data)} bytes, not {size}.")
        if self.memory is not None:
            self.memory.put(sha256, data)
        return data

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        for tier in self._tiers:
            if await tier.stat(sha256) is not None:
                async for chunk in tier.read(sha256):
                    yield chunk
                return
        raise StorageError(f"Stored file {sha256[:12]}… is missing from every store.")

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        for tier in self._tiers:
            if await tier.stat(sha256) is not None:
                await tier.export(sha256, destination, replace=replace, within=within)
                return
        cached = self.memory.get(sha256) if self.memory is not None else None
        if self.memory is None or cached is None:
            raise StorageError(f"Stored file {sha256[:12]}… is missing from every store.")
        # Only memory still has it (the stored copy was removed): keep it again, then place it.
        restored = await self.record.put(_single_chunk(cached))
        if restored.sha256 != sha256:
            self.memory.discard(sha256)
            raise StorageError(f"Cached file {sha256[:12]}… no longer matches its hash.")
        await self.record.export(sha256, destination, replace=replace, within=within)

    async def stat(self, sha256: str) -> int | None:
        for tier in self._tiers:
            size = await tier.stat(sha256)
            if size is not None:
                return size
        return None


async def _single_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data
