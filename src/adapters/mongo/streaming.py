"""Feeding a caller's byte stream into an upload: hash, count, write, commit, or clean up.

Independent of the database (the upload and the commit step are passed in), so the
all-or-nothing rule of `BlobStore.put` is unit-tested here with a fake upload."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterable, Awaitable, Callable
from contextlib import suppress
from typing import Protocol

import structlog

from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.handles import Document

log = structlog.get_logger(__name__)
HASH_IN_THREAD = 1024 * 1024  # pieces this large are hashed off the event loop


class UploadStream(Protocol):
    """An upload in progress (ChunkUpload in production)."""

    async def write(self, data: bytes) -> None: ...

    async def close(self, filename: str, metadata: Document) -> None:
        """Make the file visible; DuplicateKeyError when the content is already stored."""
        ...

    async def abort(self) -> None:
        """Remove whatever was written (nothing of a committed file). Idempotent."""
        ...


Commit = Callable[[str, int], Awaitable[None]]


async def upload_stream(
    upload: UploadStream, chunks: AsyncIterable[bytes], commit: Commit
) -> tuple[str, int]:
    """Write every piece of `chunks` to `upload` as it arrives, then `commit(sha256, size)`.

    If the stream, a write or the commit fails, or the task is cancelled, the upload is
    aborted (shielded from a second cancellation) and the original exception propagates.
    Driver errors become StorageError; the stream's own errors pass through unchanged.
    """
    digest, size = hashlib.sha256(), 0
    try:
        async for piece in chunks:
            if not piece:
                continue
            if len(piece) >= HASH_IN_THREAD:
                await asyncio.to_thread(digest.update, piece)
            else:
                digest.update(piece)
            size += len(piece)
            with mongo_errors("store a blob"):
                await upload.write(piece)
        sha256 = digest.hexdigest()
        with mongo_errors("store a blob"):
            await commit(sha256, size)
    except BaseException:
        with suppress(BaseException):
            await asyncio.shield(_discard(upload))
        raise
    return sha256, size


async def _discard(upload: UploadStream) -> None:
    try:
        with mongo_errors("clean up a failed upload"):
            await upload.abort()
    except Exception:
        log.warning("upload_cleanup_failed")  # orphan chunks stay until sweep_orphan_chunks
        raise
