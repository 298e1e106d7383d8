"""SyncOrg: every downloadable file of an org (or one batch), kept and placed on disk.

Unchanged files (same upstream id, version and size, blob still present) are skipped without
touching upstream; a failing file never stops the others; progress goes to a listener.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cpbatch.application.blob_cache import TieredBlobStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.ports import MetadataRepository, NullSyncProgress, SyncProgress
from cpbatch.application.sync_plan import PlannedFile, SyncTally, plan_files
from cpbatch.domain.errors import AuthenticationError, CpbatchError, ValidationError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFailure,
    BatchFile,
    FileOutcome,
    FileRecord,
    SyncReport,
)
from cpbatch.domain.selectors import BatchSelector

MAX_CONCURRENCY = 64
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncRequest:
    token: AccessToken
    org_code: str | OrgCode
    batch: str | int | BatchSelector | None = None
    destination: Path | None = None
    concurrency: int = 4
    include: Sequence[str] = field(default_factory=tuple)
    dry_run: bool = False
    force: bool = False


class SyncOrg:
    def __init__(
        self,
        listings: ListingService,
        blobs: TieredBlobStore,
        repository: MetadataRepository,
        fetcher: FileFetcher,
        *,
        listing_concurrency: int = 4,
    ) -> None:
        self._listings = listings
        self._blobs = blobs
        self._repository = repository
        self._fetcher = fetcher
        self._listing_concurrency = listing_concurrency

    async def execute(
        self, request: SyncRequest, progress: SyncProgress | None = None
    ) -> SyncReport:
        listener = progress or NullSyncProgress()
        code, selector = _validate(request)
        started = time.monotonic()
        retries_before = self._fetcher.retries
        listing = await self._listings.org_listing(request.token, code, force_refresh=True)
        batches = (selector.pick(listing.batches),) if selector else listing.batches
        per_batch, batch_failures = await self._list_all(request.token, batches, listener)
        plan = plan_files(per_batch, request.include)
        planned = plan.files
        tally = SyncTally(
            found=plan.found,
            not_downloadable=plan.not_downloadable,
            excluded=plan.excluded,
            batch_failures=batch_failures,
        )
        _notify(
            listener.sync_planned, listing.org, len(planned), sum(p.file.size or 0 for p in planned)
        )
        records = await self._repository.get_records([p.file.record_key for p in planned])
        queue = iter(planned)
        # A TaskGroup: if anything escapes a worker, the others are cancelled, not orphaned.
        with _first_error():
            async with asyncio.TaskGroup() as workers:
                for _ in range(min(request.concurrency, max(1, len(planned)))):
                    workers.create_task(self._worker(queue, records, request, tally, listener))
        # Gateway-wide: another sync running at the same time (the bot) adds its retries too.
        tally.retries = self._fetcher.retries - retries_before
        report = tally.report(listing.org, len(batches), time.monotonic() - started)
        if not request.dry_run:
            await self._repository.record_sync(report)
        return report

    async def _list_all(
        self, token: AccessToken, batches: Sequence[Batch], listener: SyncProgress
    ) -> tuple[dict[Batch, tuple[BatchFile, ...]], list[BatchFailure]]:
        """Every batch's files. A batch that cannot be listed is reported and skipped; a token
        that stopped working stops the sync, since no other batch could be listed either."""
        limit = asyncio.Semaphore(self._listing_concurrency)
        failures: list[BatchFailure] = []

        async def one(batch: Batch) -> tuple[BatchFile, ...]:
            try:
                async with limit:
                    files = await self._listings.batch_files(token, batch, force_refresh=True)
            except AuthenticationError:
                raise
            except CpbatchError as error:
                failures.append(BatchFailure(batch.id, batch.name, str(error), error.kind))
                return ()
            _notify(listener.batch_listed, batch, len(files))
            return files

        with _first_error():
            async with asyncio.TaskGroup() as group:  # an auth failure cancels sibling listings
                tasks = [group.create_task(one(b)) for b in batches]
        return {b: t.result() for b, t in zip(batches, tasks, strict=True)}, failures

    async def _worker(
        self,
        queue: Iterator[PlannedFile],
        records: dict[str, FileRecord],
        request: SyncRequest,
        tally: SyncTally,
        listener: SyncProgress,
    ) -> None:
        for item in queue:  # one iterator shared by all workers: each item is taken once
            outcome, detail = await self._sync_one(item, records, request, tally, listener)
            _notify(listener.file_finished, item.file, outcome, detail)

    async def _sync_one(
        self,
        item: PlannedFile,
        records: dict[str, FileRecord],
        request: SyncRequest,
        tally: SyncTally,
        listener: SyncProgress,
    ) -> tuple[FileOutcome, str | None]:
        file = item.file
        target = _target(request.destination, item.relative_path)
        try:
            record = None if request.force else records.get(file.record_key)
            if record is not None and await self._unchanged(record, file):
                if target is not None and not request.dry_run:
                    # Unchanged upstream: restore the file if it was removed, and leave it be
                    # if it is there (it may carry the user's own annotations).
                    await self._blobs.export(
                        record.sha256, target, replace=False, within=request.destination
                    )
                tally.skipped += 1
                return FileOutcome.SKIPPED, None
            if request.dry_run:
                tally.planned += 1
                return FileOutcome.PLANNED, None
            fetched = await self._fetcher.fetch(file, listener)
            if target is not None:
                await self._blobs.export(fetched.stored.sha256, target, within=request.destination)
        except CpbatchError as error:
            tally.fail(file, str(error), error.kind)
            return FileOutcome.FAILED, str(error)
        except Exception as error:  # one bad file must not stop the sync
            reason = f"unexpected error ({type(error).__name__})"
            log.exception("sync_file_unexpected_error file_id=%s", file.id)
            tally.fail(file, reason, "unexpected_error")
            return FileOutcome.FAILED, reason
        tally.downloaded += 1
        tally.bytes_downloaded += fetched.stored.size
        tally.resumed += fetched.resumes
        return FileOutcome.DOWNLOADED, None

    async def _unchanged(self, record: FileRecord, file: BatchFile) -> bool:
        """Same upstream id, version and size, and the blob is still stored at that size."""
        return record.matches(file) and await self._blobs.stat(record.sha256) == record.size


@contextmanager
def _first_error() -> Iterator[None]:
    """Re-raise a task group's first error as itself, so callers see AuthenticationError and
    not an ExceptionGroup."""
    try:
        yield
    except BaseExceptionGroup as group:
        raise group.exceptions[0] from None


def _notify(event: Callable[..., None], *args: object) -> None:
    """Progress is for show: a listener that fails must not stop or corrupt the sync."""
    try:
        event(*args)
    except Exception:
        log.exception("sync_progress_listener_failed event=%s", getattr(event, "__name__", "?"))


def _validate(request: SyncRequest) -> tuple[OrgCode, BatchSelector | None]:
    code = OrgCode.coerce(request.org_code)
    selector = BatchSelector.coerce(request.batch)
    if not 1 <= request.concurrency <= MAX_CONCURRENCY:
        raise ValidationError(f"Concurrency must be between 1 and {MAX_CONCURRENCY}.")
    return code, selector


def _target(destination: Path | None, relative: PurePosixPath) -> Path | None:
    return None if destination is None else destination.joinpath(*relative.parts)
