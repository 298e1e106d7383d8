"""JSON-safe dicts <-> domain objects, shared by every metadata adapter (SQLite, MongoDB).

Writing is total. Reading is strict: a stored document that does not have the expected shape
raises StorageError naming the object and the field, never the stored values (they may hold
file addresses, which are capabilities).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cpbatch.domain.errors import StorageError, ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFailure,
    BatchFile,
    BatchSource,
    FileFailure,
    FileKind,
    FileRecord,
    Org,
    OrgListing,
    SkippedBatch,
    SyncReport,
)

Document = dict[str, Any]


class _Reader:
    """Typed, checked access to one stored document."""

    def __init__(self, raw: object, what: str) -> None:
        if not isinstance(raw, Mapping):
            raise StorageError(f"A stored {what} is malformed: expected an object.")
        self._raw: Mapping[str, object] = raw
        self._what = what

    def bad(self, key: str, expected: str) -> StorageError:
        return StorageError(f"A stored {self._what} is malformed: '{key}' should be {expected}.")

    def raw(self, key: str) -> object:
        if key not in self._raw:
            raise StorageError(f"A stored {self._what} is malformed: '{key}' is missing.")
        return self._raw[key]

    def has(self, key: str) -> bool:
        """True when the key holds a value (absent and null both mean 'no value')."""
        return self._raw.get(key) is not None

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise self.bad(key, "text")
        return value

    def whole(self, key: str) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad(key, "a whole number")
        return value

    def number(self, key: str) -> float:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.bad(key, "a number")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.bad(key, "true or false")
        return value

    def moment(self, key: str) -> datetime:
        try:
            return datetime.fromisoformat(self.text(key))
        except ValueError:
            raise self.bad(key, "an ISO 8601 date and time") from None

    def items(self, key: str) -> list[object]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.bad(key, "a list")
        return value


def org_to_dict(org: Org) -> Document:
    return {"code": org.code.value, "id": org.id, "name": org.name}


def org_from_dict(raw: object) -> Org:
    doc = _Reader(raw, "organization")
    try:
        code = OrgCode.parse(doc.text("code"))
    except ValidationError:
        raise doc.bad("code", "an organization code") from None
    return Org(code=code, id=doc.whole("id"), name=doc.text("name"))


def batch_to_dict(batch: Batch) -> Document:
    return {
        "id": batch.id,
        "name": batch.name,
        "org": org_to_dict(batch.org),
        "source": batch.source.value,
        "file_count": batch.file_count,
        "created": batch.created.isoformat() if batch.created else None,
        "access_expired_on": (
            batch.access_expired_on.isoformat() if batch.access_expired_on else None
        ),
    }


def batch_from_dict(raw: object) -> Batch:
    doc = _Reader(raw, "batch")
    try:
        source = BatchSource(doc.text("source"))
    except ValueError:
        raise doc.bad("source", "'course' or 'batch'") from None
    return Batch(
        id=doc.whole("id"),
        name=doc.text("name"),
        org=org_from_dict(doc.raw("org")),
        source=source,
        file_count=doc.whole("file_count") if doc.has("file_count") else None,
        created=doc.moment("created") if doc.has("created") else None,
        # absent from listings kept before expiry was recorded: not expired
        access_expired_on=(
            doc.moment("access_expired_on") if doc.has("access_expired_on") else None
        ),
    )


def batch_file_to_dict(file: BatchFile, *, with_batch: bool = True) -> Document:
    """With `with_batch=False` the batch is left out (a listing stores it once for all files)."""
    doc: Document = {
        "id": file.id,
        "folder_path": list(file.folder_path),
        "name": file.name,
        "kind": file.kind.value,
        "version": file.version,
        "url": file.url,
        "mime_type": file.mime_type,
        "size": file.size,
        "locked": file.locked,
    }
    if with_batch:
        doc["batch"] = batch_to_dict(file.batch)
    return doc


def batch_file_from_dict(raw: object, batch: Batch | None = None) -> BatchFile:
    """Read a file; `batch` is used when given, else the document's own 'batch'."""
    doc = _Reader(raw, "file")
    folders = doc.items("folder_path")
    if not all(isinstance(part, str) for part in folders):
        raise doc.bad("folder_path", "a list of text")
    try:
        kind = FileKind(doc.text("kind"))
    except ValueError:
        raise doc.bad("kind", "a known file kind") from None
    return BatchFile(
        id=doc.whole("id"),
        batch=batch if batch is not None else batch_from_dict(doc.raw("batch")),
        folder_path=tuple(str(part) for part in folders),
        name=doc.text("name"),
        kind=kind,
        version=doc.text("version"),
        url=doc.text("url") if doc.has("url") else None,
        mime_type=doc.text("mime_type") if doc.has("mime_type") else None,
        size=doc.whole("size") if doc.has("size") else None,
        locked=doc.flag("locked"),
    )


def batch_files_to_dict(batch: Batch, files: Sequence[BatchFile]) -> Document:
    """One batch's listing: the batch once, its files without it."""
    return {
        "batch": batch_to_dict(batch),
        "files": [batch_file_to_dict(file, with_batch=False) for file in files],
    }


def batch_files_from_dict(raw: object, batch: Batch | None = None) -> tuple[Batch, list[BatchFile]]:
    """The stored batch and its files; the files are bound to `batch` when given (the caller's
    current view of that batch), else to the stored one."""
    doc = _Reader(raw, "batch listing")
    stored = batch_from_dict(doc.raw("batch"))
    owner = batch if batch is not None else stored
    return stored, [batch_file_from_dict(item, owner) for item in doc.items("files")]


def org_listing_to_dict(listing: OrgListing) -> Document:
    return {
        "org": org_to_dict(listing.org),
        "batches": [batch_to_dict(batch) for batch in listing.batches],
        "fetched_at": listing.fetched_at.isoformat(),
    }


def org_listing_from_dict(raw: object) -> OrgListing:
    doc = _Reader(raw, "organization listing")
    return OrgListing(
        org=org_from_dict(doc.raw("org")),
        batches=tuple(batch_from_dict(item) for item in doc.items("batches")),
        fetched_at=doc.moment("fetched_at"),
    )


def file_record_to_dict(record: FileRecord) -> Document:
    return {
        "key": record.key,
        "file_id": record.file_id,
        "version": record.version,
        "sha256": record.sha256,
        "size": record.size,
        "name": record.name,
        "recorded_at": record.recorded_at.isoformat(),
    }


def file_record_from_dict(raw: object) -> FileRecord:
    doc = _Reader(raw, "file record")
    return FileRecord(
        key=doc.text("key"),
        file_id=doc.whole("file_id"),
        version=doc.text("version"),
        sha256=doc.text("sha256"),
        size=doc.whole("size"),
        name=doc.text("name"),
        recorded_at=doc.moment("recorded_at"),
    )


_FAILURE_TEXT = ("name", "batch_name", "reason", "error_kind")


def sync_report_to_dict(report: SyncReport) -> Document:
    return {
        "org": org_to_dict(report.org),
        "batches": report.batches,
        "found": report.found,
        "downloaded": report.downloaded,
        "skipped": report.skipped,
        "not_downloadable": report.not_downloadable,
        "planned": report.planned,
        "excluded": report.excluded,
        "bytes_downloaded": report.bytes_downloaded,
        "duration_s": report.duration_s,
        "failures": [
            {"file_id": f.file_id, **{name: getattr(f, name) for name in _FAILURE_TEXT}}
            for f in report.failures
        ],
        "batch_failures": [
            {
                "batch_id": f.batch_id,
                "batch_name": f.batch_name,
                "reason": f.reason,
                "error_kind": f.error_kind,
            }
            for f in report.batch_failures
        ],
        "skipped_batches": [
            {"batch_id": b.batch_id, "batch_name": b.batch_name, "reason": b.reason}
            for b in report.skipped_batches
        ],
        "retries": report.retries,
        "resumed": report.resumed,
    }


def sync_report_from_dict(raw: object) -> SyncReport:
    doc = _Reader(raw, "sync report")
    failures = []
    for item in doc.items("failures"):
        failure = _Reader(item, "sync failure")
        texts = {name: failure.text(name) for name in _FAILURE_TEXT}
        failures.append(FileFailure(file_id=failure.whole("file_id"), **texts))
    batch_failures = []
    # Reports kept before batch failures and --include exclusions were recorded lack them.
    for item in doc.items("batch_failures") if doc.has("batch_failures") else ():
        failure = _Reader(item, "batch failure")
        batch_failures.append(
            BatchFailure(
                batch_id=failure.whole("batch_id"),
                batch_name=failure.text("batch_name"),
                reason=failure.text("reason"),
                error_kind=failure.text("error_kind"),
            )
        )
    skipped_batches = []
    for item in doc.items("skipped_batches") if doc.has("skipped_batches") else ():
        skipped = _Reader(item, "skipped batch")
        skipped_batches.append(
            SkippedBatch(
                batch_id=skipped.whole("batch_id"),
                batch_name=skipped.text("batch_name"),
                reason=skipped.text("reason"),
            )
        )
    return SyncReport(
        org=org_from_dict(doc.raw("org")),
        batches=doc.whole("batches"),
        found=doc.whole("found"),
        downloaded=doc.whole("downloaded"),
        skipped=doc.whole("skipped"),
        not_downloadable=doc.whole("not_downloadable"),
        planned=doc.whole("planned"),
        bytes_downloaded=doc.whole("bytes_downloaded"),
        duration_s=doc.number("duration_s"),
        failures=tuple(failures),
        retries=doc.whole("retries"),
        resumed=doc.whole("resumed"),
        excluded=doc.whole("excluded") if doc.has("excluded") else 0,
        batch_failures=tuple(batch_failures),
        skipped_batches=tuple(skipped_batches),
    )
