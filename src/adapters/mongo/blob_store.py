"""GridFSBlobStore: the BlobStore port on a MongoDB GridFS bucket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from contextlib import aclosing, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Self

import structlog
from gridfs import AsyncGridFSBucket, NoFile
from gridfs.errors import CorruptGridFile

from cpbatch.adapters.filesystem.export import already_placed
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.export import export_stream
from cpbatch.adapters.mongo.handles import Database
from cpbatch.adapters.mongo.indexes import ensure, gridfs_indexes
from cpbatch.adapters.mongo.orphans import sweep_orphan_chunks
from cpbatch.adapters.mongo.streaming import upload_stream
from cpbatch.adapters.mongo.upload import (
    BATCH_BYTES,
    ChunkUpload,
    commit_unless_stored,
    stored_digest,
    stored_size,
)
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import StoredFile

if TYPE_CHECKING:
    from cpbatch.application.ports.storage import BlobStore

log = structlog.get_logger(__name__)
DEFAULT_CHUNK_SIZE = 255 * 1024  # the GridFS default
DIGEST_PAGE = 1000


class GridFSBlobStore:
    """Blobs as GridFS files in `<bucket>.files`/`<bucket>.chunks`, named by their sha256
    (filename and metadata.sha256; metadata.size is the byte count).

    Guarantees: a blob is visible only complete (its files document is inserted after every
    chunk); a unique index on metadata.sha256 keeps identical content once, even when writers
    race; a failed or cancelled put leaves no files document and no chunks (a put cancelled
    during its final insert may still leave the complete blob; crash leftovers are collected
    by `sweep_orphan_chunks`). Memory per put stays around one chunk plus one
    ~1 MiB write batch. Reads are checked against the stored size; digests are validated
    (ValidationError), and every driver failure raises StorageError. The store does not own
    the client: whoever opened it closes it.
    """

    def __init__(
        self,
        db: Database,
        *,
        bucket: str = "blobs",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        name: str = "gridfs",
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.name = name
        self._db = db
        self._bucket_name = bucket
        self._bucket = AsyncGridFSBucket(db, bucket_name=bucket, chunk_size_bytes=chunk_size)
        self._files = db[f"{bucket}.files"]
        self._chunks = db[f"{bucket}.chunks"]
        self._chunk_size = chunk_size
        self._batch_bytes = batch_bytes
        self._indexed = False
        self._index_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        db: Database,
        *,
        bucket: str = "blobs",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        name: str = "gridfs",
    ) -> Self:
        """Construct and create the bucket's indexes (raises StorageError)."""
        store = cls(db, bucket=bucket, chunk_size=chunk_size, name=name)
        await store.ensure_indexes()
        return store

    async def ensure_indexes(self) -> None:
        """Create the bucket's indexes if missing (idempotent; done once per instance)."""
        async with self._index_lock:
            if not self._indexed:
                with mongo_errors("prepare the GridFS bucket"):
                    await ensure(self._db, gridfs_indexes(self._bucket_name))
                self._indexed = True

    async def sweep_orphan_chunks(self, max_age_s: float = 86400.0) -> int:
        """Delete chunks of uploads older than max_age_s that never got a files document."""
        with mongo_errors("clean up unfinished uploads"):
            return await sweep_orphan_chunks(self._files, self._chunks, max_age_s)

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        await self.ensure_indexes()
        upload = self._chunk_upload()

        async def commit(sha256: str, size: int) -> None:
            if not await commit_unless_stored(self._files, upload, sha256, size):
                log.debug("blob_already_stored", sha256=sha256, bucket=self._bucket_name)

        sha256, size = await upload_stream(upload, chunks, commit)
        return StoredFile(sha256=sha256, size=size, location=self._location(sha256))

    async def read(self, sha256: str) -> AsyncGenerator[bytes, None]:
        name = q.digest(sha256)
        with mongo_errors(f"read blob {name}"):
            # Not to_list(1): a GridFS cursor's to_list(n) raises StopAsyncIteration (then,
            # out of this generator, RuntimeError) when fewer than n files match.
            found = await self._bucket.find(q.blob(name), limit=1).to_list()
        if not found:
            raise StorageError(f"Blob {name} is not in the store ({self._where}).")
        grid_out = found[0]
        expected = stored_size(grid_out.length, grid_out.metadata)
        sent = 0
        try:
            while True:
                with mongo_errors(f"read blob {name}"):
                    try:
                        chunk = await grid_out.readchunk()
                    except CorruptGridFile:  # a missing, short or extra chunk
                        raise self._damaged(name) from None
                if not chunk:
                    break
                sent += len(chunk)
                yield chunk
        finally:
            with suppress(Exception):
                await grid_out.close()
        if sent != expected:
            raise self._damaged(name)

    async def stat(self, sha256: str) -> int | None:
        name = q.digest(sha256)
        with mongo_errors(f"look up blob {name}"):
            doc = await self._files.find_one(q.blob(name), {"length": 1, "metadata.size": 1})
        return None if doc is None else stored_size(doc.get("length"), doc.get("metadata"))

    async def delete(self, sha256: str) -> None:
        name = q.digest(sha256)
        with mongo_errors(f"delete blob {name}"):
            ids = [doc["_id"] async for doc in self._files.find(q.blob(name), {"_id": 1})]
            for file_id in ids:  # files document first, then chunks (bucket.delete's order)
                with suppress(NoFile):
                    await self._bucket.delete(file_id)

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        name, destination = q.digest(sha256), Path(destination)
        root = destination.parent if within is None else Path(within)
        try:
            if not replace and await asyncio.to_thread(already_placed, root, destination):
                return
            if await self.stat(name) is None:
                raise StorageError(f"Blob {name} is not in the store ({self._where}).")
            async with aclosing(self.read(name)) as chunks:
                await export_stream(chunks, root, destination)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise StorageError(
                f"Could not export blob {name} to {destination}: {reason}."
            ) from None

    async def digests(self) -> AsyncIterator[str]:
        """Pages in digest order, so a slow consumer never holds a server cursor open."""
        page_filter = q.all_blobs()
        while True:
            with mongo_errors("list blobs"):
                cursor = self._files.find(
                    page_filter, {q.BLOB_DIGEST: 1}, sort=[(q.BLOB_DIGEST, 1)]
                )
                page = await cursor.limit(DIGEST_PAGE).to_list()
            names = [stored_digest(doc) for doc in page]
            for name in names:
                yield name
            if len(page) < DIGEST_PAGE:
                return
            page_filter = {q.BLOB_DIGEST: {"$gt": names[-1]}}

    @property
    def _where(self) -> str:
        return f"GridFS bucket '{self._bucket_name}' of database '{self._db.name}'"

    def _location(self, sha256: str) -> str:
        return f"gridfs://{self._db.name}/{self._bucket_name}/{sha256}"

    def _damaged(self, name: str) -> StorageError:
        log.error("blob_damaged", sha256=name, bucket=self._bucket_name)
        return StorageError(
            f"Blob {name} is damaged in the store ({self._where}): its chunks "
            "do not add up to its recorded size. Delete it and download again."
        )

    def _chunk_upload(self) -> ChunkUpload:
        return ChunkUpload(
            self._files, self._chunks, chunk_size=self._chunk_size, batch_bytes=self._batch_bytes
        )


if TYPE_CHECKING:  # mypy proves the class implements the port

    def _implements_the_port(store: GridFSBlobStore) -> BlobStore:
        return store
