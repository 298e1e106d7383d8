"""What the use cases need from the application's own services: the per-user listings, the
cache tiers and the file fetcher. Protocols, so a use case depends on what it calls and a
test can hand it anything that keeps the contract."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cpbatch.application.ports.progress import SyncProgress
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, FileRecord, OrgListing, StoredFile
from cpbatch.domain.selectors import BatchSelector


class BatchListings(Protocol):
    """A caller's own listings: the entitlement check of every use case."""

    async def org_listing(
        self, token: AccessToken, code: OrgCode, *, force_refresh: bool = False
    ) -> OrgListing: ...

    async def batch_files(
        self, token: AccessToken, batch: Batch, *, force_refresh: bool = False
    ) -> tuple[BatchFile, ...]: ...

    async def find_file(
        self,
        token: AccessToken,
        code: OrgCode,
        file_id: int,
        selector: BatchSelector | None = None,
    ) -> tuple[BatchFile, tuple[BatchFile, ...]]:
        """The file in the caller's own listing and its batch's other items; raises
        BatchFileNotFoundError when no batch the caller can open lists it."""
        ...


class StoredBlobs(Protocol):
    """The cache tiers in front of the store of record (see TieredBlobStore)."""

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile: ...

    def read(self, sha256: str) -> AsyncIterator[bytes]: ...

    async def read_bytes(self, sha256: str, size: int) -> bytes: ...

    async def locate(self, sha256: str, size: int, *, warm: bool = False) -> str | None:
        """The fastest tier holding the blob at this size (None if none does); `warm` also
        brings a small blob into memory."""
        ...

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        """As BlobStore.export: never outside `within`."""
        ...

    async def stat(self, sha256: str) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Fetched:
    stored: StoredFile
    record: FileRecord
    resumes: int


class FileDownloads(Protocol):
    async def fetch(self, file: BatchFile, progress: SyncProgress) -> Fetched:
        """The file's bytes into the store of record, then its record; nothing is recorded
        unless the bytes were stored whole."""
        ...
