"""In-memory blob store and metadata (file records, listing cache, sync history)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from pathlib import Path

from cpbatch.domain.errors import (
    StorageError,
)
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    FileRecord,
    OrgListing,
    StoredFile,
    SyncReport,
)
from support.fakes.basics import FakeClock


class InMemoryBlobStore:
    """BlobStore in a dict; `name` lets it pose as "filesystem" or "gridfs"."""

    def __init__(self, name: str = "filesystem") -> None:
        self.name = name
        self.blobs: dict[str, bytes] = {}

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        data = b"".join([chunk async for chunk in chunks])  # nothing is kept if this raises
        digest = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(digest, data)
        return StoredFile(digest, len(data), f"{self.name}:{digest}")

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        data = self._get(sha256)
        for start in range(0, len(data), 8):
            yield data[start : start + 8]

    async def stat(self, sha256: str) -> int | None:
        data = self.blobs.get(sha256)
        return None if data is None else len(data)

    async def delete(self, sha256: str) -> None:
        self.blobs.pop(sha256, None)

    async def export(
        self, sha256: str, destination: Path, *, replace: bool = True, within: Path | None = None
    ) -> None:
        data = self._get(sha256)
        if not replace and destination.exists():
            return
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)

    async def digests(self) -> AsyncIterator[str]:
        for digest in list(self.blobs):
            yield digest

    def _get(self, sha256: str) -> bytes:
        if sha256 not in self.blobs:
            raise StorageError(f"Stored file {sha256[:12]} is missing.")
        return self.blobs[sha256]


class InMemoryMetadata:
    """FileRecords, ListingCache and SyncHistory in dicts; listing ages are measured with the
    injected clock."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or FakeClock()
        self.file_records: dict[str, FileRecord] = {}
        self.org_listings: dict[tuple[str, str], tuple[float, OrgListing]] = {}
        self.batch_listings: dict[tuple[str, int, str], tuple[float, tuple[BatchFile, ...]]] = {}
        self.syncs: list[SyncReport] = []
        self.closed = False

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        return {k: self.file_records[k] for k in keys if k in self.file_records}

    async def save_record(self, record: FileRecord) -> None:
        self.file_records[record.key] = record

    async def delete_record(self, key: str) -> None:
        self.file_records.pop(key, None)

    async def records(self) -> AsyncIterator[FileRecord]:
        for record in list(self.file_records.values()):
            yield record

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        entry = self.org_listings.get((principal, org_code))
        return entry[1] if entry and self.clock() - entry[0] < max_age_s else None

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        self.org_listings[(principal, listing.org.code.value)] = (self.clock(), listing)

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        entry = self.batch_listings.get((principal, batch.org.id, batch.key))
        return list(entry[1]) if entry and self.clock() - entry[0] < max_age_s else None

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        self.batch_listings[(principal, batch.org.id, batch.key)] = (self.clock(), tuple(files))

    async def record_sync(self, report: SyncReport) -> None:
        self.syncs.append(report)

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        mine = [r for r in self.syncs if org_code is None or r.org.code.value == org_code]
        return list(reversed(mine))[:limit]

    async def close(self) -> None:
        self.closed = True
