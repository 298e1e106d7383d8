"""Moving one file from upstream into the store of record and recording it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from cpbatch.application.ports import CoursePlatform, FileOutput, FileRecords, SyncProgress
from cpbatch.application.ports.services import Fetched, StoredBlobs
from cpbatch.domain.errors import DownloadFailedError, NotDownloadableError
from cpbatch.domain.models import BatchFile, FileRecord, StoredFile


class FileFetcher:
    def __init__(
        self,
        platform: CoursePlatform,
        blobs: StoredBlobs,
        records: FileRecords,
        output: FileOutput,
    ) -> None:
        self._platform = platform
        self._blobs = blobs
        self._records = records
        self._output = output

    async def place(
        self, file: BatchFile, root: Path, relative: PurePosixPath, progress: SyncProgress
    ) -> Fetched:
        """Stream the file straight to `root/relative` (continuing what an earlier run left
        there for this version), hashed on the way; nothing is at the destination unless the
        bytes arrived whole (size checked against upstream's)."""
        if not file.downloadable:
            raise NotDownloadableError(f"{file.name}: {file.why_not_downloadable}.")
        key, version = file.record_key, file.version
        async with self._output.placing(root, relative, key=key, version=version) as part:
            opened = self._platform.open_file(file, start=part.offset, validator=part.validator)
            async with opened as stream:
                if stream.start != part.offset:
                    await part.restart()  # the host sends the whole file again
                await part.keep_resumable(stream.validator)
                progress.file_started(file, stream.size)
                received = stream.start
                async for chunk in stream.chunks():
                    received += len(chunk)
                    progress.bytes_received(file, len(chunk))
                    await part.write(chunk)
                _check_size(file, received, stream.size)
                resumes = stream.resumes
            stored = await part.finish()
        return Fetched(stored=stored, record=_record_of(file, stored), resumes=resumes)

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
                _check_size(file, received, stream.size)

            stored = await self._blobs.put(counted())
            resumes = stream.resumes
        record = _record_of(file, stored)
        await self._records.save_record(record)
        return Fetched(stored=stored, record=record, resumes=resumes)


def _check_size(file: BatchFile, received: int, announced: int | None) -> None:
    # Raised inside the transfer, so nothing incomplete is kept as if it were the file.
    if announced is not None and received != announced:
        raise DownloadFailedError(
            f"{file.name}: received {received} bytes but ClassPlus announced {announced}."
        )


def _record_of(file: BatchFile, stored: StoredFile) -> FileRecord:
    return FileRecord(
        key=file.record_key,
        file_id=file.id,
        version=file.version,
        sha256=stored.sha256,
        size=stored.size,
        name=file.name,
        recorded_at=datetime.now(UTC),
    )
