"""VerifyStore: every record's blob is present and holds the recorded bytes (sha256 computed
again), and every blob has a record pointing at it. With repair, what is wrong is removed, so
the next sync downloads those files again.

Run it while nothing else writes to the same store: a blob a sync has just stored, a moment
before saving its record, looks like an orphan (repairing it costs one download, nothing more).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import BlobStore, FileRecords
from cpbatch.application.verify_report import CorruptBlob, RepairSummary, VerifyReport
from cpbatch.domain.errors import CpbatchError, StorageError, ValidationError
from cpbatch.domain.models import FileRecord

log = get_logger(__name__)
_Delete = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Blob:
    """What the store holds under one sha256. `size` None: not stored. `found_sha256` None:
    not read (missing, unreadable or unaddressable; `error` says which)."""

    size: int | None
    found_sha256: str | None = None
    error: str | None = None

    def damaged(self, sha256: str) -> bool:
        """Stored, but its bytes are not the ones its name promises."""
        return self.size is not None and self.found_sha256 != sha256


class VerifyStore:
    """Checks the store of record against the metadata. Memory stays bounded by the number of
    distinct blobs the records point at (their digests), not by the bytes stored."""

    def __init__(self, records: FileRecords, store: BlobStore) -> None:
        self._records = records
        self._store = store

    async def execute(self, *, repair: bool = False) -> VerifyReport:
        """Raises StorageError when the store or the metadata cannot be listed at all; a single
        blob that cannot be read is reported as corrupt instead."""
        blobs: dict[str, _Blob] = {}  # every sha256 a record points at
        records = bytes_hashed = 0
        missing: list[str] = []
        corrupt: list[CorruptBlob] = []
        async for record in self._records.records():
            records += 1
            blob = blobs.get(record.sha256)
            if blob is None:
                blob, hashed = await self._inspect(record.sha256)
                blobs[record.sha256] = blob
                bytes_hashed += hashed
            if blob.size is None and blob.error is None:
                log.warning("verify_blob_missing", key=record.key, sha256=record.sha256)
                missing.append(record.key)
            elif (damage := _damage(record, blob)) is not None:
                log.warning("verify_blob_corrupt", key=record.key, reason=damage.reason)
                corrupt.append(damage)
        orphans = [digest async for digest in self._store.digests() if digest not in blobs]
        report = VerifyReport(
            store=self._store.name,
            records_checked=records,
            blobs_checked=sum(1 for b in blobs.values() if b.found_sha256 is not None),
            bytes_hashed=bytes_hashed,
            missing=tuple(missing),
            corrupt=tuple(corrupt),
            orphan_blobs=tuple(orphans),
        )
        if not repair:
            return report
        damaged = sorted({c.sha256 for c in corrupt if blobs[c.sha256].damaged(c.sha256)})
        return report.repaired_by(await self._repair(report, damaged))

    async def _inspect(self, sha256: str) -> tuple[_Blob, int]:
        """The blob's size and true digest, and how many bytes were hashed for it."""
        try:
            size = await self._store.stat(sha256)
        except ValidationError:  # a record with a malformed digest names no blob at all
            return _Blob(None, error="the record's sha256 is malformed"), 0
        if size is None:
            return _Blob(None), 0
        digest = hashlib.sha256()
        hashed = 0
        try:
            async for chunk in self._store.read(sha256):
                # hashlib releases the GIL on large buffers: hashing in a thread keeps the
                # event loop free while gigabytes go through.
                await asyncio.to_thread(digest.update, chunk)
                hashed += len(chunk)
        except StorageError as error:
            return _Blob(size, error=f"unreadable: {error}"), hashed
        found = digest.hexdigest()
        # The dict key's own string when they match: one copy per blob in memory, not two.
        return _Blob(hashed, sha256 if found == sha256 else found), hashed

    async def _repair(self, report: VerifyReport, damaged: list[str]) -> RepairSummary:
        """Records, then damaged blobs, then orphans. Each deletion stands alone: one that
        fails is reported and the others still happen. Stopped half-way, what remains is found
        by the next verify, and a record without its blob is downloaded again by a sync."""
        failures: list[str] = []
        records = await _each(
            [*report.missing, *(c.key for c in report.corrupt)],
            self._records.delete_record,
            "record",
            failures,
        )
        blobs = await _each(damaged, self._store.delete, "corrupt blob", failures)
        orphans = await _each(report.orphan_blobs, self._store.delete, "orphan blob", failures)
        log.info(
            "verify_repaired",
            records=records,
            corrupt_blobs=blobs,
            orphan_blobs=orphans,
            failures=len(failures),
        )
        return RepairSummary(records, blobs, orphans, tuple(failures))


async def _each(names: Iterable[str], delete: _Delete, what: str, failures: list[str]) -> int:
    """Delete each one; a failure is noted and the others still go. Returns how many went."""
    done = 0
    for name in dict.fromkeys(names):  # a key listed twice is deleted once
        try:
            await delete(name)
        except CpbatchError as error:
            failures.append(f"could not delete {what} {name}: {error}")
            continue
        done += 1
    return done


def _damage(record: FileRecord, blob: _Blob) -> CorruptBlob | None:
    if blob.found_sha256 is None:
        reason = blob.error or "unreadable"
    elif blob.found_sha256 != record.sha256:
        reason = f"the bytes hash to {blob.found_sha256}"
    elif blob.size != record.size:
        reason = f"the record says {record.size} bytes, the blob has {blob.size}"
    else:
        return None
    return CorruptBlob(
        key=record.key,
        sha256=record.sha256,
        found_sha256=blob.found_sha256,
        expected_size=record.size,
        found_size=blob.size,
        reason=reason,
    )
