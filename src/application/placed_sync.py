"""One planned file of a sync into the user's folder: written there once, straight from
upstream (no second copy in a store), and remembered as a placement.

Re-sync rules: a file placed before, unchanged upstream and still there, is left alone, edited
or not; one the user removed comes back (from a cache tier when one still holds it, else
downloaded again); one that changed upstream is downloaded again over it; `force` downloads
everything again."""

from __future__ import annotations

from pathlib import Path

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import FileOutput, FileRecords, Placements, SyncProgress
from cpbatch.application.ports.services import FileDownloads, StoredBlobs
from cpbatch.application.sync_plan import PlannedFile, SyncTally
from cpbatch.domain.errors import CpbatchError, StorageError
from cpbatch.domain.models import FileOutcome, FileRecord, Placement

log = get_logger(__name__)


class PlacedSync:
    """`keep_copies`: also keep each file in the store of record (when that store is not on
    this disk, as GridFS: several workers and the bot then share what one sync fetched)."""

    def __init__(
        self,
        root: Path,
        *,
        blobs: StoredBlobs,
        downloads: FileDownloads,
        output: FileOutput,
        placements: dict[str, Placement],
        records: dict[str, FileRecord],
        placement_store: Placements,
        record_store: FileRecords,
        tally: SyncTally,
        listener: SyncProgress,
        dry_run: bool,
        force: bool,
        keep_copies: bool,
    ) -> None:
        self._root = root
        self._blobs, self._downloads, self._output = blobs, downloads, output
        self._placements, self._records = placements, records
        self._placement_store, self._record_store = placement_store, record_store
        self._tally, self._listener = tally, listener
        self._dry_run, self._force, self._keep_copies = dry_run, force, keep_copies

    def path_of(self, item: PlannedFile) -> str:
        return str(self._root.joinpath(*item.relative_path.parts))

    async def run(self, item: PlannedFile) -> tuple[FileOutcome, str | None]:
        try:
            if not self._force and await self._kept(item):
                self._tally.skipped += 1
                return FileOutcome.SKIPPED, None
            if self._dry_run:
                self._tally.planned += 1
                return FileOutcome.PLANNED, None
            return await self._download(item)
        except CpbatchError as error:
            self._tally.fail(item.file, str(error), error.kind)
            return FileOutcome.FAILED, str(error)
        except Exception as error:  # one bad file must not stop the sync
            reason = f"unexpected error ({type(error).__name__})"
            log.exception("sync_file_unexpected_error", file_id=item.file.id)
            self._tally.fail(item.file, reason, "unexpected_error")
            return FileOutcome.FAILED, reason

    async def _kept(self, item: PlannedFile) -> bool:
        """True when the file needs no download: there already, or put back from a store."""
        file, relative, path = item.file, item.relative_path, self.path_of(item)
        placement = self._placements.get(path)
        if placement is not None and placement.matches(file):
            if await self._output.size_of(self._root, relative) is not None:
                if self._keep_copies and not self._dry_run:
                    await self._keep_copy(placement.record, item)
                return True  # as placed, or as the user edited it: theirs now
            return await self._restore(placement.record, path, replace=True)
        record = self._records.get(file.record_key)
        if placement is None and record is not None and record.matches(file):
            # Kept in a store by an earlier sync or by the bot: place it from there, unless
            # the folder holds it already. Other bytes there (an older version, say) are
            # downloaded over, as when nothing is kept.
            try:
                present = await self._output.fingerprint(Path(path))
            except StorageError:  # not a file we can read (a pipe, a folder): not the record
                return False
            if present is None:
                return await self._restore(record, path, replace=False)
            if present != (record.size, record.sha256):
                return False
            if not self._dry_run:
                await self._placement_store.save_placement(Placement(path, record))
            return True
        return False

    async def _keep_copy(self, record: FileRecord, item: PlannedFile) -> None:
        """The store of record lost its copy (repaired away, say): keep the placed file there
        again, when it is still the bytes that were written (not the user's edit)."""
        if await self._blobs.stat(record.sha256) == record.size:
            return
        if await self._output.fingerprint(Path(self.path_of(item))) != (record.size, record.sha256):
            return
        await self._blobs.put(self._output.read(self._root, item.relative_path))
        await self._record_store.save_record(record)

    async def _restore(self, record: FileRecord, path: str, *, replace: bool) -> bool:
        if await self._blobs.stat(record.sha256) != record.size:
            return False
        if not self._dry_run:
            await self._blobs.export(record.sha256, Path(path), replace=replace, within=self._root)
            await self._placement_store.save_placement(Placement(path, record))
        return True

    async def _download(self, item: PlannedFile) -> tuple[FileOutcome, str | None]:
        file, relative = item.file, item.relative_path
        fetched = await self._downloads.place(file, self._root, relative, self._listener)
        if self._keep_copies:
            await self._blobs.put(self._output.read(self._root, relative))
            await self._record_store.save_record(fetched.record)
        await self._placement_store.save_placement(Placement(self.path_of(item), fetched.record))
        self._tally.downloaded += 1
        self._tally.bytes_downloaded += fetched.stored.size
        self._tally.resumed += fetched.resumes
        return FileOutcome.DOWNLOADED, None
