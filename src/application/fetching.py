"""Moving one file from upstream into the store of record and recording it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from cpbatch.application.ports import CoursePlatform, FileRecords, SyncProgress
from cpbatch.application.ports.services import Fetched, StoredBlobs
from cpbatch.domain.errors import DownloadFailedError, NotDownloadableError
from cpbatch.domain.models import BatchFile, FileRecord


class FileFetcher:
    def __init__(self, platform: CoursePlatform, blobs: StoredBlobs, records: FileRecords) -> None:
        self._platform = platform
        self._blobs = blobs
        self._records = records

    async def fetch(self, file: BatchFile, progress: SyncProgress) -> Fetched:
        """Stream the file into the store of record, then save its record. Nothing is recorded
        unless the bytes were stored whole (size checked against upstream's)."""
        if not file.downloadable:
            raise NotDownloadableError(f"{file.name}: {file.why_not_downloadable}.")
        async with self._platform.open_file(file) as stream:
            progress.file_started(file, stream.size)

            async def counted() -> AsyncIterator[bytes]:
                received = 0
                async for chunk in stream.chunks():
                    received += len(chunk)
                    progress.bytes_received(file, len(chunk))
                    yield chunk
                # Raised inside the stream, so the store discards the bytes instead of keeping
                # a blob no record points to.
                if stream.size is not None and received != stream.size:
                    raise DownloadFailedError(
                        f"{file.name}: received {received} bytes but ClassPlus announced "
                        f"{stream.size}."
                    )

            stored = await self._blobs.put(counted())
            resumes = stream.resumes
        record = FileRecord(
            key=file.record_key,
            file_id=file.id,
            version=file.version,
            sha256=stored.sha256,
            size=stored.size,
            name=file.name,
            recorded_at=datetime.now(UTC),
        )
        await self._records.save_record(record)
        return Fetched(stored=stored, record=record, resumes=resumes)
