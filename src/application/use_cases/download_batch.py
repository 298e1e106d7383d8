"""DownloadBatch: one file, from the cache tiers or upstream, only if the caller's listing
shows it. (The seed called files "batches"; the name is kept for its users.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cpbatch.application.ports import FileRecords, NullSyncProgress, SyncProgress
from cpbatch.application.ports.services import BatchListings, FileDownloads, StoredBlobs
from cpbatch.domain.errors import NotDownloadableError
from cpbatch.domain.identifiers import AccessToken, OrgCode, parse_id
from cpbatch.domain.models import BatchFile, StoredFile
from cpbatch.domain.naming import plan_relative_paths
from cpbatch.domain.selectors import BatchSelector


@dataclass(frozen=True, slots=True)
class DownloadResult:
    file: BatchFile
    stored: StoredFile
    source: str  # the tier that served it: "memory", "filesystem", "gridfs" or "upstream"
    path: Path | None  # where it was placed, when a destination was given


class DownloadBatch:
    def __init__(
        self,
        listings: BatchListings,
        blobs: StoredBlobs,
        records: FileRecords,
        downloads: FileDownloads,
    ) -> None:
        self._listings = listings
        self._blobs = blobs
        self._records = records
        self._downloads = downloads

    async def execute(
        self,
        token: AccessToken,
        org_code: str | OrgCode,
        file_id: str | int,
        *,
        batch: str | int | BatchSelector | None = None,
        destination: Path | None = None,
        progress: SyncProgress | None = None,
    ) -> DownloadResult:
        code = OrgCode.coerce(org_code)
        wanted = parse_id(file_id, "file id")
        file, siblings = await self._listings.find_file(
            token, code, wanted, BatchSelector.coerce(batch)
        )
        if not file.downloadable:
            raise NotDownloadableError(f"{file.name}: {file.why_not_downloadable}.")
        stored, source = await self._from_cache(file)
        if stored is None:
            fetched = await self._downloads.fetch(file, progress or NullSyncProgress())
            stored, source = fetched.stored, "upstream"
        path = None
        if destination is not None:
            relative = plan_relative_paths(f for f in siblings if f.downloadable)[file.id]
            path = destination.joinpath(*relative.parts)
            await self._blobs.export(stored.sha256, path, within=destination)
        return DownloadResult(file=file, stored=stored, source=source, path=path)

    async def _from_cache(self, file: BatchFile) -> tuple[StoredFile | None, str]:
        record = (await self._records.get_records([file.record_key])).get(file.record_key)
        if record is None or not record.matches(file):
            return None, "upstream"
        tier = await self._blobs.locate(record.sha256, record.size, warm=True)
        if tier is None:
            return None, "upstream"
        return StoredFile(record.sha256, record.size, location=tier), tier
