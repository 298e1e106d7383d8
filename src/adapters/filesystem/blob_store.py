"""FilesystemBlobStore: the BlobStore port on a local folder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

import structlog

from cpbatch.adapters.filesystem.blob_files import blob_stat, delete_blob, export_stored, open_blob
from cpbatch.adapters.filesystem.layout import (
    blob_path,
    checked_digest,
    digests_under,
    first_levels,
)
from cpbatch.adapters.filesystem.temp_blob import TempBlob, sweep_stale
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import StoredFile

log = structlog.get_logger(__name__)
T = TypeVar("T")
MIB = 1024 * 1024
STALE_TEMP_S = 3600.0

_MAX_SWEPT_DIRS = 10_000


class FilesystemBlobStore:
    """Blobs kept as read-only files at `root/ab/cd/<sha256>`, identical content once.

    Guarantees: a blob appears only complete, fsynced (unless fsync=False) and under its true
    sha256; a failed or cancelled put leaves no temp file behind (a put cancelled during its
    final rename may still leave the complete blob); crash leftovers in `root/tmp` are never
    listed as blobs and are swept once they are an hour old (on the first put, or by
    `sweep_temp`). Disk work runs in worker threads, never on the event loop. Blob names are
    validated, so a digest can never become a path outside the root (ValidationError), and no
    folder below the root is reached through a symbolic link (StorageError; the root itself
    may be one). Only the user running cpbatch can read the store: folders it creates are
    0700, blobs 0400 (0600 while being written).
    """

    name = "filesystem"

    def __init__(
        self,
        root: Path,
        *,
        chunk_size: int = MIB,
        fsync: bool = True,
        fsync_exports: bool = False,
    ) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._root = Path(root)
        self._chunk_size = chunk_size
        self._fsync = fsync
        # Exports are copies of blobs that are durable already: placed atomically (rename), but
        # not flushed one by one. Two flushes per file (blob and copy) nearly doubled a sync's
        # time on a real disk; a copy lost to a power cut is put back by the next sync.
        self._fsync_exports = fsync_exports
        self._swept = False
        self._swept_export_dirs: set[Path] = set()

    @property
    def root(self) -> Path:
        return self._root

    async def sweep_temp(self, max_age_s: float = STALE_TEMP_S) -> int:
        """Delete temp files older than max_age_s (a crash leaves them); return how many."""
        self._swept = True
        removed = await self._disk(sweep_stale, self._root, max_age_s, doing="clean up")
        if removed:
            log.info("stale_temp_files_removed", count=removed, root=str(self._root))
        return removed

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        if not self._swept:
            await self.sweep_temp()
        temp = TempBlob(self._root, fsync=self._fsync)
        try:
            await self._disk(temp.open, doing="create a temp file")
            await self._write_all(chunks, temp)
            sha256 = await self._disk(temp.seal, doing="finish writing")
            final = blob_path(self._root, sha256)
            await self._disk(temp.commit, sha256, doing="move a new blob into place")
        except BaseException:
            # Shielded: a second cancellation must not stop the cleanup half-way.
            with suppress(BaseException):
                await asyncio.shield(asyncio.to_thread(temp.discard))
            raise
        return StoredFile(sha256=sha256, size=temp.size, location=str(final))

    async def _write_all(self, chunks: AsyncIterable[bytes], temp: TempBlob) -> None:
        """Write and hash in a thread, one hop per ~chunk_size bytes, while the next bytes are
        being received: the previous batch is still being written when the next is gathered
        (in order: a batch starts only once the one before it is done)."""
        writing: asyncio.Task[None] | None = None
        pending: list[bytes] = []
        pending_size = 0
        try:
            async for chunk in chunks:
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size >= self._chunk_size:
                    if writing is not None:
                        await writing
                    writing = asyncio.ensure_future(self._disk(temp.write, pending, doing="write"))
                    pending, pending_size = [], 0
            if writing is not None:
                await writing
            if pending:
                await self._disk(temp.write, pending, doing="write")
        except BaseException:
            if writing is not None and not writing.done():
                # Let the thread finish (it cannot be interrupted) so discard() sees a closed file.
                with suppress(BaseException):
                    await asyncio.shield(writing)
            elif writing is not None and not writing.cancelled():
                writing.exception()  # retrieved: the error being raised is the one that counts
            raise

    def _first_export_to(self, directory: Path) -> bool:
        """True once per folder: its partial copies a killed cpbatch left are swept then."""
        if directory in self._swept_export_dirs:
            return False
        if len(self._swept_export_dirs) > _MAX_SWEPT_DIRS:  # a long-running bot: stay bounded
            self._swept_export_dirs.clear()
        self._swept_export_dirs.add(directory)
        return True

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        checked_digest(sha256)
        fd = await self._disk(open_blob, self._root, sha256, doing=f"open blob {sha256}")
        if fd is None:
            raise StorageError(f"Blob {sha256} is not in the store at {self._root}.")
        try:
            while True:
                chunk = await self._disk(os.read, fd, self._chunk_size, doing="read a blob")
                if not chunk:
                    return
                yield chunk
        finally:
            os.close(fd)  # a read-only close cannot block long; safe in a generator's finally

    async def stat(self, sha256: str) -> int | None:
        checked_digest(sha256)
        found = await self._disk(blob_stat, self._root, sha256, doing="look up a blob")
        return None if found is None else found.st_size

    async def delete(self, sha256: str) -> None:
        checked_digest(sha256)
        await self._disk(delete_blob, self._root, sha256, doing="delete a blob")

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        checked_digest(sha256)
        destination = Path(destination)
        root = destination.parent if within is None else Path(within)
        sweep = self._first_export_to(destination.parent)
        try:
            await asyncio.to_thread(
                export_stored, self._root, sha256, root, destination,
                replace=replace, fsync=self._fsync_exports, sweep=sweep,
            )  # fmt: skip
        except OSError as exc:
            raise _storage_error(f"export blob {sha256} to {destination}", exc) from None

    async def digests(self) -> AsyncIterator[str]:
        for first_level in await self._disk(first_levels, self._root, doing="list blobs"):
            for digest in await self._disk(digests_under, first_level, doing="list blobs"):
                yield digest

    async def _disk(self, fn: Callable[..., T], *args: object, doing: str) -> T:
        """Run blocking disk work in a thread; OSError becomes StorageError."""
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as exc:
            raise _storage_error(f"{doing} in {self._root}", exc) from None


def _storage_error(action: str, exc: OSError) -> StorageError:
    reason = exc.strerror or type(exc).__name__
    return StorageError(f"Could not {action}: {reason}.")
