"""Ports to storage: content-addressed blobs, file records, the listing cache, sync history.
Every failure raises StorageError."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from pathlib import Path
from typing import Protocol

from cpbatch.domain.models import Batch, BatchFile, FileRecord, OrgListing, StoredFile, SyncReport


class BlobStore(Protocol):
    """Bytes addressed by their sha256 (lower-case hex). Identical content is kept once."""

    name: str

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        """Consume the stream and keep its bytes; return sha256, size and location.

        Atomic: if the stream or the store fails, nothing becomes visible and no partial data
        is left behind (the error propagates; storage failures raise StorageError)."""
        ...

    def read(self, sha256: str) -> AsyncIterator[bytes]:
        """Stream a blob's bytes. Raises StorageError if it is missing or unreadable."""
        ...

    async def stat(self, sha256: str) -> int | None:
        """The blob's size in bytes, or None when it is not stored. Cheap: no hashing."""
        ...

    async def delete(self, sha256: str) -> None:
        """Remove a blob; a missing blob is not an error."""
        ...

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        """Place an independent copy of the blob's bytes at `destination` atomically, creating
        parent folders. An existing file there is replaced, or, with replace=False, left as it
        is (the user may have edited it). Never outside `within` (default: the destination's
        own folder): a destination not below it, or a symbolic link among the folders between
        them, raises StorageError naming it (`within` itself may be a link, the user's choice).
        Raises StorageError."""
        ...

    def digests(self) -> AsyncIterator[str]:
        """Every stored sha256 (for verification and repair)."""
        ...


class FileRecords(Protocol):
    """What is known of each stored file: its upstream id and version, and its sha256."""

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        """The records that exist for these keys (missing keys are simply absent)."""
        ...

    async def save_record(self, record: FileRecord) -> None:
        """Insert or replace the record with the same key. Durable when it returns."""
        ...

    async def delete_record(self, key: str) -> None: ...

    def records(self) -> AsyncIterator[FileRecord]:
        """Every record, in no particular order."""
        ...


class ListingCache(Protocol):
    """Listings per principal (one account's view): never returned to another principal."""

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        """The cached listing if it was fetched less than max_age_s ago, else None."""
        ...

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None: ...

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None: ...

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None: ...


class SyncHistory(Protocol):
    async def record_sync(self, report: SyncReport) -> None:
        """Keep a finished sync's summary."""
        ...

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        """The latest recorded syncs, newest first (of one org when org_code is given)."""
        ...
