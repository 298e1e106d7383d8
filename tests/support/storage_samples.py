"""Small builders of domain objects for the storage suites."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    BatchSource,
    FileFailure,
    FileKind,
    FileRecord,
    Org,
    OrgListing,
    SyncReport,
)

WHEN = datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=UTC)


def org(code: str = "abcde", org_id: int = 7) -> Org:
    return Org(OrgCode(code), org_id, f"Org {code}")


def batch(batch_id: int = 11, owner: Org | None = None, **changes: Any) -> Batch:
    base = Batch(batch_id, f"Batch {batch_id}", owner or org(), BatchSource.COURSE, 3, WHEN)
    return replace(base, **changes)


def batch_file(file_id: int = 101, owner: Batch | None = None, **changes: Any) -> BatchFile:
    base = BatchFile(
        id=file_id,
        batch=owner or batch(),
        folder_path=("Week 1", "Notes"),
        name=f"notes-{file_id}.pdf",
        kind=FileKind.DOCUMENT,
        version="v1",
        url=f"https://cdn.example.test/signed/{file_id}?sig=secret",
        mime_type="application/pdf",
        size=2048,
    )
    return replace(base, **changes)


def record(n: int = 1, *, version: str = "v1") -> FileRecord:
    return FileRecord(
        key=f"7/course:11/{n}",
        file_id=n,
        version=version,
        sha256=hashlib.sha256(f"{n}:{version}".encode()).hexdigest(),
        size=100 + n,
        name=f"file {n}.pdf",
        recorded_at=WHEN + timedelta(seconds=n),
    )


def listing(owner: Org | None = None, *, fetched_at: datetime | None = None) -> OrgListing:
    owner = owner or org()
    batches = (batch(11, owner), batch(12, owner, source=BatchSource.BATCH, created=None))
    return OrgListing(owner, batches, fetched_at or datetime.now(UTC))


def report(owner: Org | None = None) -> SyncReport:
    failure = FileFailure(5, "a.pdf", "Batch 11", "the download failed", "download_failed")
    return SyncReport(owner or org(), 2, 10, 6, 2, 1, 0, 123456, 4.25, (failure,), 3, 1)
