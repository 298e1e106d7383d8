"""One planned file of a sync: skipped when unchanged (restored to its place if removed),
else fetched and placed. A failing file is counted and never stops the others."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import SyncProgress
from cpbatch.application.ports.services import FileDownloads, StoredBlobs
from cpbatch.application.sync_plan import PlannedFile, SyncTally
from cpbatch.domain.errors import CpbatchError
from cpbatch.domain.models import BatchFile, FileOutcome, FileRecord

log = get_logger(__name__)


class FileSync:
    def __init__(
        self,
        blobs: StoredBlobs,
        downloads: FileDownloads,
        records: dict[str, FileRecord],
        tally: SyncTally,
        listener: SyncProgress,
        *,
        destination: Path | None,
        dry_run: bool,
        force: bool,
    ) -> None:
        self._blobs = blobs
        self._downloads = downloads
        self._records = records
        self._tally = tally
        self._listener = listener
        self._destination = destination
        self._dry_run = dry_run
        self._force = force

    async def run(self, item: PlannedFile) -> tuple[FileOutcome, str | None]:
        file, tally = item.file, self._tally
        target = _target(self._destination, item.relative_path)
        try:
            record = None if self._force else self._records.get(file.record_key)
            if record is not None and await self._unchanged(record, file):
                if target is not None and not self._dry_run:
                    # Unchanged upstream: restore the file if it was removed, and leave it be
                    # if it is there (it may carry the user's own annotations).
                    await self._blobs.export(
                        record.sha256, target, replace=False, within=self._destination
                    )
                tally.skipped += 1
                return FileOutcome.SKIPPED, None
            if self._dry_run:
                tally.planned += 1
                return FileOutcome.PLANNED, None
            fetched = await self._downloads.fetch(file, self._listener)
            if target is not None:
                await self._blobs.export(fetched.stored.sha256, target, within=self._destination)
        except CpbatchError as error:
            tally.fail(file, str(error), error.kind)
            return FileOutcome.FAILED, str(error)
        except Exception as error:  # one bad file must not stop the sync
            reason = f"unexpected error ({type(error).__name__})"
            log.exception("sync_file_unexpected_error", file_id=file.id)
            tally.fail(file, reason, "unexpected_error")
            return FileOutcome.FAILED, reason
        tally.downloaded += 1
        tally.bytes_downloaded += fetched.stored.size
        tally.resumed += fetched.resumes
        return FileOutcome.DOWNLOADED, None

    async def _unchanged(self, record: FileRecord, file: BatchFile) -> bool:
        """Same upstream id, version and size, and the blob is still stored at that size."""
        return record.matches(file) and await self._blobs.stat(record.sha256) == record.size


def _target(destination: Path | None, relative: PurePosixPath) -> Path | None:
    return None if destination is None else destination.joinpath(*relative.parts)
