"""SyncOrg: every downloadable file of an org (or one batch), kept and placed on disk.

Unchanged files (same upstream id, version and size, blob still present) are skipped without
touching upstream; a failing file never stops the others; progress goes to a listener.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cpbatch.application.file_sync import FileSync
from cpbatch.application.listing_all import list_batches
from cpbatch.application.placed_sync import PlacedSync
from cpbatch.application.ports import (
    FileOutput,
    FileRecords,
    NullSyncProgress,
    Placements,
    SyncHistory,
    SyncProgress,
)
from cpbatch.application.ports.services import BatchListings, FileDownloads, StoredBlobs
from cpbatch.application.retry_count import counting_retries
from cpbatch.application.sync_plan import PlannedFile, SyncTally, plan_files, skipped_batches
from cpbatch.application.task_groups import first_error, notify
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Placement, SyncReport
from cpbatch.domain.selectors import BatchSelector

MAX_CONCURRENCY = 64


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
        listings: BatchListings,
        blobs: StoredBlobs,
        records: FileRecords,
        history: SyncHistory,
        downloads: FileDownloads,
        placements: Placements,
        output: FileOutput,
        *,
        keep_copies: bool = False,
        listing_concurrency: int = 4,
    ) -> None:
        """`keep_copies`: a sync into a folder also keeps each file in the store of record
        (see PlacedSync)."""
        self._listings = listings
        self._blobs = blobs
        self._records = records
        self._history = history
        self._downloads = downloads
        self._placements = placements
        self._output = output
        self._keep_copies = keep_copies
        self._listing_concurrency = listing_concurrency

    async def execute(
        self, request: SyncRequest, progress: SyncProgress | None = None
    ) -> SyncReport:
        listener = progress or NullSyncProgress()
        code, selector, root = _validate(request)
        started = time.monotonic()
        with counting_retries() as count:  # this run's retries, not another sync's
            listing = await self._listings.org_listing(request.token, code, force_refresh=True)
            batches = (selector.pick(listing.batches),) if selector else listing.batches
            # A batch whose access expired is reported, not listed: nothing in it is fetched.
            skipped = skipped_batches(batches)
            per_batch, failures = await list_batches(
                self._listings,
                request.token,
                [batch for batch in batches if batch.downloadable],
                listener,
                self._listing_concurrency,
            )
            plan = plan_files(per_batch, request.include)
            tally = SyncTally(
                found=plan.found,
                not_downloadable=plan.not_downloadable,
                excluded=plan.excluded,
                batch_failures=failures,
                skipped_batches=skipped,
            )
            size = sum(p.file.size or 0 for p in plan.files)
            notify(listener.sync_planned, listing.org, len(plan.files), size)
            await self._sync_files(plan.files, request, root, tally, listener)
        tally.retries = count.retries
        report = tally.report(listing.org, len(batches), time.monotonic() - started)
        if not request.dry_run:
            await self._history.record_sync(report)
        return report

    async def _sync_files(
        self,
        planned: Sequence[PlannedFile],
        request: SyncRequest,
        root: Path | None,
        tally: SyncTally,
        listener: SyncProgress,
    ) -> None:
        """`root`: the destination folder, absolute (None: the store only)."""
        records = await self._records.get_records([p.file.record_key for p in planned])
        one: FileSync | PlacedSync
        if root is None:  # kept in the store only (the bot sends from there)
            one = FileSync(
                self._blobs, self._downloads, records, tally, listener,
                destination=None, dry_run=request.dry_run, force=request.force,
            )  # fmt: skip
        else:
            placements = await self._placements_under(root, planned, request)
            one = PlacedSync(
                root,
                blobs=self._blobs,
                downloads=self._downloads,
                output=self._output,
                placements=placements,
                records=records,
                placement_store=self._placements,
                record_store=self._records,
                tally=tally,
                listener=listener,
                dry_run=request.dry_run,
                force=request.force,
                keep_copies=self._keep_copies,
            )
        queue = iter(planned)  # one iterator shared by all workers: each item is taken once
        # A TaskGroup: if anything escapes a worker, the others are cancelled, not orphaned.
        with first_error():
            async with asyncio.TaskGroup() as workers:
                for _ in range(min(request.concurrency, max(1, len(planned)))):
                    workers.create_task(_work(queue, one, listener))

    async def _placements_under(
        self, root: Path, planned: Sequence[PlannedFile], request: SyncRequest
    ) -> dict[str, Placement]:
        """The placements of the planned files, by absolute path. Earlier builds keyed them by
        the folder as typed (`-o out`, the default `downloads`): those are found under that
        spelling too, and moved to the absolute key (unless this is a dry run)."""
        found = await self._placements.get_placements(
            [str(root.joinpath(*p.relative_path.parts)) for p in planned]
        )
        typed_root = request.destination
        if typed_root is None or typed_root.is_absolute():
            return found
        typed = {str(typed_root.joinpath(*p.relative_path.parts)): p for p in planned}
        for old_key, placement in (await self._placements.get_placements(list(typed))).items():
            key = str(root.joinpath(*typed[old_key].relative_path.parts))
            if key in found:
                continue
            found[key] = Placement(key, placement.record)
            if not request.dry_run:
                await self._placements.save_placement(found[key])
                await self._placements.delete_placement(old_key)
        return found


async def _work(
    queue: Iterator[PlannedFile], one: FileSync | PlacedSync, listener: SyncProgress
) -> None:
    for item in queue:
        outcome, detail = await one.run(item)
        notify(listener.file_finished, item.file, outcome, detail)


def _validate(request: SyncRequest) -> tuple[OrgCode, BatchSelector | None, Path | None]:
    """The org, the batch selector and the destination made absolute (placements are keyed by
    absolute path: `-o out` and `-o /home/me/out` are one folder, wherever the command runs)."""
    code = OrgCode.coerce(request.org_code)
    selector = BatchSelector.coerce(request.batch)
    if not 1 <= request.concurrency <= MAX_CONCURRENCY:
        raise ValidationError(f"Concurrency must be between 1 and {MAX_CONCURRENCY}.")
    root = None if request.destination is None else request.destination.absolute()
    if root is not None:
        _require_text(root)
    return code, selector, root


def _require_text(folder: Path) -> None:
    """Placements are recorded by path, as text: a folder name that is not valid UTF-8 (bytes
    a terminal let through) cannot be one."""
    try:
        str(folder).encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            f"The output folder {str(folder)!a} has a name that is not valid UTF-8 text; "
            "choose or rename a folder whose name is."
        ) from None
