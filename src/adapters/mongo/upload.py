"""One blob being written into a GridFS bucket, chunk by chunk, under a fresh ObjectId.

Why not `AsyncGridFSBucket.open_upload_stream_with_id`: pymongo's AsyncGridIn keeps chunk
documents in memory until about 48 MB (MAX_MESSAGE_SIZE) are buffered, so most files would
sit whole in memory until `close`. This writes the same documents the GridFS spec defines
(`<bucket>.chunks` {files_id, n, data}; `<bucket>.files` {_id, length, chunkSize,
uploadDate, filename, metadata}) in batches of about `batch_bytes`, so any driver's
GridFSBucket reads them, and memory stays below one chunk plus one batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, TypeVar

from bson import Int64, ObjectId
from pymongo.errors import DuplicateKeyError

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.chunking import ChunkSplitter
from cpbatch.adapters.mongo.handles import Collection, Document
from cpbatch.domain.errors import StorageError

T = TypeVar("T")
BATCH_BYTES = 1024 * 1024


class ChunkUpload:
    """Write with `write`, then `close(filename, metadata)` inserts the files document: only
    then is the file visible, and complete. `abort` removes whatever was written.

    Each database write runs as its own task that a cancellation of the caller does not
    interrupt (the server may apply a write whose reply never arrives); `abort` waits for
    that write before deleting, so it never races it and leaves no chunk behind. Once the
    files document is in, `abort` leaves the file alone: another writer of the same content
    may already rely on it.
    """

    def __init__(
        self, files: Collection, chunks: Collection, *, chunk_size: int, batch_bytes: int
    ) -> None:
        self.file_id = ObjectId()
        self.size = 0
        self.committed = False
        self._files = files
        self._chunks = chunks
        self._splitter = ChunkSplitter(chunk_size)
        self._batch: list[Document] = []
        self._batch_bytes = max(batch_bytes, chunk_size)
        self._buffered = 0
        self._next_n = 0
        self._inflight: asyncio.Future[Any] | None = None

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        for chunk in self._splitter.feed(data):
            self._add(chunk)
        if self._buffered >= self._batch_bytes:
            await self._flush()

    async def close(self, filename: str, metadata: Document) -> None:
        last = self._splitter.finish()
        if last:
            self._add(last)
        await self._flush()
        document: Document = {
            "_id": self.file_id,
            "length": Int64(self.size),
            "chunkSize": self._splitter.chunk_size,
            "uploadDate": datetime.now(UTC),
            "filename": filename,
            "metadata": metadata,
        }

        async def insert() -> None:
            await self._files.insert_one(document)
            self.committed = True  # set inside the task: true even if the caller was cancelled

        await self._run(insert())

    async def abort(self) -> None:
        """Delete this upload's chunks (and files document, unless committed). Idempotent."""
        if self._inflight is not None:
            with suppress(BaseException):
                await self._inflight
        self._batch.clear()
        if self.committed:
            return
        # The files document first: a file must never be visible without its chunks.
        await self._files.delete_one(q.by_id(self.file_id))
        await self._chunks.delete_many(q.chunks_of(self.file_id))

    def _add(self, chunk: bytes) -> None:
        self._batch.append({"files_id": self.file_id, "n": self._next_n, "data": chunk})
        self._next_n += 1
        self._buffered += len(chunk)

    async def _flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch, self._buffered = self._batch, [], 0
        await self._run(self._chunks.insert_many(batch, ordered=True))

    async def _run(self, operation: Awaitable[T]) -> T:
        self._inflight = asyncio.ensure_future(operation)
        return await asyncio.shield(self._inflight)


async def commit_unless_stored(
    files: Collection, upload: ChunkUpload, sha256: str, size: int
) -> bool:
    """Make the upload visible as blob `sha256`; False when that content was already stored
    (the upload is dropped, the stored file kept). Concurrent writers of the same content
    both get here: the unique index on metadata.sha256 lets exactly one files document in."""
    if await files.find_one(q.blob(sha256), {"_id": 1}) is None:
        try:
            await upload.close(sha256, {"sha256": sha256, "size": size})
            return True
        except DuplicateKeyError:  # another writer of the same content won the race
            if await files.find_one(q.blob(sha256), {"_id": 1}) is None:
                raise StorageError(
                    f"Blob {sha256} could not be stored: MongoDB reported it as a duplicate, "
                    "but it is not there."
                ) from None
    await upload.abort()
    return False


def stored_size(length: object, metadata: object) -> int:
    """A stored file's length, which must agree with metadata.size (StorageError otherwise)."""
    size = metadata.get("size") if isinstance(metadata, Mapping) else None
    if isinstance(length, bool) or not isinstance(length, int) or length != size or length < 0:
        raise StorageError("A stored GridFS file is malformed: its length and size disagree.")
    return length


def stored_digest(doc: Document) -> str:
    """A stored file's content digest (metadata.sha256)."""
    metadata = doc.get("metadata")
    name = metadata.get("sha256") if isinstance(metadata, Mapping) else None
    if not isinstance(name, str):
        raise StorageError("A stored GridFS file is malformed: it has no sha256.")
    return name
