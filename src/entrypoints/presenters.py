"""Plain-dict views of domain objects, shared by the CLI's --json output and the facade."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from cpbatch.application.use_cases import (
    CorruptBlob,
    PlacementReport,
    RepairSummary,
    VerifyReport,
)
from cpbatch.domain.errors import CpbatchError
from cpbatch.domain.models import Batch, BatchFile, FileFailure, Org, SyncReport
from cpbatch.domain.sizes import format_bytes


def org_view(org: Org) -> dict[str, Any]:
    return {"org_code": org.code.value, "org_id": org.id, "org_name": org.name}


def batch_view(batch: Batch) -> dict[str, Any]:
    return {
        "batch_id": batch.id,
        "batch_key": batch.key,
        "batch_name": batch.name,
        "source": batch.source.value,
        "file_count": batch.file_count,
        "created": batch.created.isoformat() if batch.created else None,
        "downloadable": batch.downloadable,
        "not_downloadable_reason": batch.why_not_downloadable,
        "access_expired_on": (
            batch.access_expired_on.isoformat() if batch.access_expired_on else None
        ),
    }


def file_view(file: BatchFile, path: PurePosixPath | None = None) -> dict[str, Any]:
    return {
        "file_id": file.id,
        "name": file.name,
        "folder_path": list(file.folder_path),
        "kind": file.kind.value,
        "mime_type": file.mime_type,
        "size": file.size,
        "file_size_formatted": format_bytes(file.size),
        "version": file.version,
        "downloadable": file.downloadable,
        "not_downloadable_reason": file.why_not_downloadable,
        "batch_id": file.batch.id,
        "batch_name": file.batch.name,
        "relative_path": str(path) if path is not None else None,
    }


def failure_view(failure: FileFailure) -> dict[str, Any]:
    return {
        "file_id": failure.file_id,
        "name": failure.name,
        "batch_name": failure.batch_name,
        "reason": failure.reason,
        "type": error_type(failure.error_kind),
    }


def report_view(report: SyncReport) -> dict[str, Any]:
    return {
        **org_view(report.org),
        "batches": report.batches,
        "total_files": report.found,
        "downloadable_files": report.found - report.not_downloadable - report.excluded,
        "downloaded_files": report.downloaded,
        "skipped_files": report.skipped,
        "planned_files": report.planned,
        "not_downloadable_files": report.not_downloadable,
        "excluded_files": report.excluded,
        "failed_files": report.failed,
        "total_bytes": report.bytes_downloaded,
        "total_bytes_formatted": format_bytes(report.bytes_downloaded),
        "duration_s": round(report.duration_s, 3),
        "retries": report.retries,
        "resumed_transfers": report.resumed,
        "failures": [failure_view(f) for f in report.failures],
        "batch_failures": [
            {
                "batch_id": f.batch_id,
                "batch_name": f.batch_name,
                "reason": f.reason,
                "type": error_type(f.error_kind),
            }
            for f in report.batch_failures
        ],
        "skipped_batches": [
            {"batch_id": b.batch_id, "batch_name": b.batch_name, "reason": b.reason}
            for b in report.skipped_batches
        ],
    }


def verify_view(report: VerifyReport) -> dict[str, Any]:
    """`ok`: consistent now (nothing wrong, or all of it repaired); `clean`: nothing found."""
    return {
        "ok": report.ok,
        "clean": report.clean,
        "store": report.store,
        "records_checked": report.records_checked,
        "blobs_checked": report.blobs_checked,
        "bytes_hashed": report.bytes_hashed,
        "missing": list(report.missing),
        "corrupt": [corrupt_view(c) for c in report.corrupt],
        "orphan_blobs": list(report.orphan_blobs),
        "repaired": None if report.repaired is None else repair_view(report.repaired),
    }


def placed_view(report: PlacementReport) -> dict[str, Any]:
    """Files syncs wrote into folders: a report only (see VerifyPlacements)."""
    return {
        "placed_files": {
            "checked": report.checked,
            "bytes_hashed": report.bytes_hashed,
            "missing": list(report.missing),
            "changed": list(report.changed),
        }
    }


def corrupt_view(corrupt: CorruptBlob) -> dict[str, Any]:
    return {
        "key": corrupt.key,
        "sha256": corrupt.sha256,
        "found_sha256": corrupt.found_sha256,
        "expected_size": corrupt.expected_size,
        "found_size": corrupt.found_size,
        "reason": corrupt.reason,
    }


def repair_view(summary: RepairSummary) -> dict[str, Any]:
    return {
        "records_deleted": summary.records_deleted,
        "corrupt_blobs_deleted": summary.corrupt_blobs_deleted,
        "orphan_blobs_deleted": summary.orphan_blobs_deleted,
        "failures": list(summary.failures),
    }


def error_view(error: BaseException) -> dict[str, str]:
    """Every `type` a view shows is an error's class name, as the seed's were."""
    if isinstance(error, CpbatchError):
        return {"type": type(error).__name__, "message": str(error)}
    return {"type": UNEXPECTED, "message": "An unexpected error occurred; see the log."}


UNEXPECTED = "UnexpectedError"


def error_type(kind: str) -> str:
    """The class name behind a recorded error kind: 'download_failed' -> 'DownloadFailedError'
    (reports keep the kind; views show class names, like `error_view`)."""
    return _types_by_kind().get(kind, UNEXPECTED)


def _types_by_kind() -> dict[str, str]:
    names: dict[str, str] = {}
    pending: list[type[CpbatchError]] = [CpbatchError]
    while pending:
        cls = pending.pop()
        if "kind" in vars(cls):  # the class that defines a kind names it (not its subclasses)
            names.setdefault(cls.kind, cls.__name__)
        pending.extend(cls.__subclasses__())
    return names
