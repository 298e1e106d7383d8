"""BoundedFilesystemCache: the BlobStore port as a size-capped cache tier on a local folder.

Used in front of GridFS when MongoDB is the store of record: the same on-disk layout and
atomic writes as FilesystemBlobStore (it keeps its blobs through one), plus a cap in bytes
with least-recently-used eviction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar, cast

import structlog

from cpbatch.adapters.filesystem.blob_store import MIB, FilesystemBlobStore
from cpbatch.adapters.filesystem.eviction_gate import EvictionGate
from cpbatch.adapters.filesystem.layout import checked_digest
from cpbatch.adapters.filesystem.lru_index import LruIndex, scan_blobs, touch
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import StoredFile

log = structlog.get_logger(__name__)
T = TypeVar("T")


class BoundedFilesystemCache:
    """Blobs at `root/ab/cd/<sha256>`, at most `max_bytes` of them, least recently used
    evicted first.

    A use is a put, a read, an export or a stat that finds the blob. Sizes and the order of
    use are kept in memory, rebuilt at the first call from a scan of `root` (ordered by each
    file's mtime, which a use moves forward), so the cache survives restarts; a lowered cap
    applies at that first call. After each put, least recently used blobs are deleted until
    the total is within the cap, but never the blob that put just wrote: a blob larger than
    the whole cap is kept (so put-then-read holds, as for every BlobStore) and everything
    else is evicted; the next put evicts it in turn. Disk work runs in worker threads.
    """

    name = "filesystem"  # the tier name DownloadBatch reports as a file's source

    def __init__(
        self, root: Path, *, max_bytes: int, chunk_size: int = MIB, fsync: bool = True
    ) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self._root = Path(root)
        self._store = FilesystemBlobStore(self._root, chunk_size=chunk_size, fsync=fsync)
        self._max_bytes = max_bytes
        self._index = LruIndex()
        self._gate = EvictionGate()
        self._pinned: dict[str, int] = {}  # blobs whose put is still evicting others
        self._loaded = False
        self._loading = asyncio.Lock()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    async def used_bytes(self) -> int:
        """The total size of the cached blobs."""
        await self._ready()
        return self._index.total

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        await self._ready()
        holding = False

        async def then_hold_the_gate() -> AsyncIterator[bytes]:
            nonlocal holding
            async for chunk in chunks:
                yield chunk
            await self._gate.enter()  # before the store renames the finished blob into place
            holding = True

        try:
            stored = await self._store.put(then_hold_the_gate())
            self._index.use(stored.sha256, stored.size)
        finally:
            if holding:
                self._gate.leave()
        self._pinned[stored.sha256] = self._pinned.get(stored.sha256, 0) + 1
        try:
            await self._evict()
        finally:
            self._unpin(stored.sha256)
        return stored

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        checked_digest(sha256)  # a bad name is refused before anything else
        await self._ready()
        # An async generator (typed as the port's AsyncIterator): closed here, so an abandoned
        # read never leaves its file open until garbage collection.
        chunks = cast("AsyncGenerator[bytes, None]", self._store.read(sha256))
        try:
            async with self._gate.using():
                try:
                    first = await anext(chunks, None)  # opens the file: then it cannot vanish
                finally:
                    await self._note_use(sha256)  # a missing blob is forgotten
            if first is None:
                return
            yield first
            async for chunk in chunks:
                yield chunk
        finally:
            await chunks.aclose()

    async def stat(self, sha256: str) -> int | None:
        checked_digest(sha256)
        await self._ready()
        async with self._gate.using():
            return await self._note_use(sha256)

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        checked_digest(sha256)
        await self._ready()
        async with self._gate.using():
            await self._store.export(sha256, destination, replace=replace, within=within)
            await self._note_use(sha256)

    async def delete(self, sha256: str) -> None:
        checked_digest(sha256)  # a bad name is refused before waiting for the gate
        await self._ready()
        async with self._gate.evicting():
            self._index.forget(sha256)
            await self._store.delete(sha256)

    def digests(self) -> AsyncIterator[str]:
        return self._store.digests()

    async def _note_use(self, sha256: str) -> int | None:
        """Mark the blob used (in memory and on disk); its size, or None when it is gone."""
        size = await self._disk(touch, self._root, sha256, doing="look up a blob")
        if size is None:
            self._index.forget(sha256)
        else:
            self._index.use(sha256, size)
        return size

    async def _evict(self) -> None:
        while True:
            async with self._gate.evicting():
                if self._index.total <= self._max_bytes:
                    return
                victim = self._index.oldest(skip=self._pinned)
                if victim is None:
                    return
                size = self._index.forget(victim) or 0
                try:
                    await self._store.delete(victim)
                except StorageError as error:
                    self._index.use(victim, size, oldest=True)
                    log.warning("cache_eviction_failed", sha256=victim[:12], reason=str(error))
                    return
            log.debug("cache_blob_evicted", sha256=victim[:12], size=size)

    async def _ready(self) -> None:
        """Load the index from disk once, then bring the cache within its cap."""
        if self._loaded:
            return
        async with self._loading:
            if self._loaded:
                return
            found = await self._disk(scan_blobs, self._root, doing="list the cached blobs")
            for _, digest, size in found:
                self._index.use(digest, size)
            self._loaded = True
        log.info("cache_loaded", blobs=len(found), bytes=self._index.total, cap=self._max_bytes)
        await self._evict()

    def _unpin(self, sha256: str) -> None:
        left = self._pinned.pop(sha256) - 1
        if left:
            self._pinned[sha256] = left

    async def _disk(self, fn: Callable[..., T], *args: object, doing: str) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise StorageError(
                f"Could not {doing} in the cache at {self._root}: {reason}."
            ) from None
