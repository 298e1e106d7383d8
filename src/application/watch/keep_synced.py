"""KeepSynced: `cpbatch watch` — SyncOrg again and again, every `every_s`, until stopped,
telling a listener each file that is new or changed (one line each on the command line).

What counts as new or updated is decided against what earlier syncs kept: a file record or a
placement (a file a sync wrote into a folder) under the same key (org, batch, file id) means
an earlier version was synced before, here or by an earlier run. A pass that fails as a whole
(ClassPlus unreachable, throttled) is reported and the next one is tried after the usual
pause; a refused token ends the watch (nothing would work)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from cpbatch.application.ports import FileRecords, NullSyncProgress, Placements
from cpbatch.application.use_cases import SyncOrg, SyncRequest
from cpbatch.domain.errors import (
    AuthenticationError,
    BatchFileNotFoundError,
    CpbatchError,
    OrgCodeNotFoundError,
    ValidationError,
)
from cpbatch.domain.models import BatchFile, FileOutcome, SyncReport
from cpbatch.domain.watch import Change

_NEVER_WORKS = (ValidationError, OrgCodeNotFoundError, BatchFileNotFoundError)


class WatchListener(Protocol):
    def changed(self, file: BatchFile, change: Change) -> None: ...

    def failed(self, file: BatchFile, reason: str) -> None: ...

    def pass_done(self, report: SyncReport | None, error: CpbatchError | None) -> None:
        """After each pass: its report, or the error that stopped the whole pass."""
        ...


class _Changes(NullSyncProgress):
    def __init__(self, known: dict[str, str], listener: WatchListener) -> None:
        self._known = known
        self._listener = listener

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        if outcome is FileOutcome.DOWNLOADED:
            seen = file.record_key in self._known
            self._listener.changed(file, Change.UPDATED if seen else Change.NEW)
        elif outcome is FileOutcome.FAILED:
            self._listener.failed(file, detail or "failed")
        if outcome in (FileOutcome.DOWNLOADED, FileOutcome.SKIPPED):
            self._known[file.record_key] = file.version


class KeepSynced:
    def __init__(self, sync_org: SyncOrg, records: FileRecords, placements: Placements) -> None:
        self._sync_org = sync_org
        self._records = records
        self._placements = placements

    async def run(
        self,
        request: SyncRequest,
        every_s: float,
        listener: WatchListener,
        stop: asyncio.Event,
    ) -> None:
        """Until `stop` is set (a pass under way is cancelled: nothing half-written is kept).
        Raises AuthenticationError, and what the first pass raises for bad input (an unknown
        org or batch): a watch that could never work does not go on. Later passes report
        their failure and are tried again."""
        known = {record.key: record.version async for record in self._records.records()}
        async for placed in self._placements.placements():
            known.setdefault(placed.record.key, placed.record.version)
        first = True
        while not stop.is_set():
            passing = asyncio.ensure_future(
                self._sync_org.execute(request, _Changes(known, listener))
            )
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({passing, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not passing.done():
                passing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await passing
                return
            try:
                report = passing.result()
            except AuthenticationError:
                raise
            except CpbatchError as error:
                if first and isinstance(error, _NEVER_WORKS):
                    raise
                listener.pass_done(None, error)
            else:
                listener.pass_done(report, None)
            first = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
