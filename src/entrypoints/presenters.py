"""Plain-dict views of domain objects, shared by the CLI's --json output and the facade."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from domain.errors import CpbatchError
from domain.models import Batch, BatchFile, FileFailure, Org, SyncReport
from domain.sizes import format_bytes


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
        "type": failure.error_kind,
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
        "resumed_transfers": report.resumed,
        "failures": [failure_view(f) for f in report.failures],
        "batch_failures": [
            {
                "batch_id": f.batch_id,
                "batch_name": f.batch_name,
                "reason": f.reason,
                "type": f.error_kind,
            }
            for f in report.batch_failures
        ],
    }


def error_view(error: BaseException) -> dict[str, str]:
    if isinstance(error, CpbatchError):
        return {"type": type(error).__name__, "message": str(error)}
    return {"type": "UnexpectedError", "message": "An unexpected error occurred; see the log."}
