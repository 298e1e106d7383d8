"""What a sync will look at, and the running tally that becomes its report."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from cpbatch.domain.models import (
    Batch,
    BatchFailure,
    BatchFile,
    FileFailure,
    Org,
    SkippedBatch,
    SyncReport,
)
from cpbatch.domain.naming import plan_relative_paths


@dataclass(frozen=True, slots=True)
class PlannedFile:
    file: BatchFile
    relative_path: PurePosixPath  # <org>/<batch>/<folders>/<name>


@dataclass(frozen=True, slots=True)
class SyncPlan:
    files: list[PlannedFile]
    found: int
    not_downloadable: int
    excluded: int


def plan_files(per_batch: Mapping[Batch, Sequence[BatchFile]], include: Sequence[str]) -> SyncPlan:
    """The downloadable files to sync, in listing order, filtered by --include globs.

    A glob matches the file name or its path inside the batch ('Notes/*.pdf'), case-insensitive.
    Paths are planned from the whole batch, so a filtered sync names files as a full one does.
    """
    planned: list[PlannedFile] = []
    found = not_downloadable = excluded = 0
    for files in per_batch.values():
        downloadable = [f for f in files if f.downloadable]
        found += len(files)
        not_downloadable += len(files) - len(downloadable)
        paths = plan_relative_paths(downloadable)
        for file in downloadable:
            path = paths[file.id]
            if include and not _included(file, path, include):
                excluded += 1
                continue
            planned.append(PlannedFile(file, path))
    return SyncPlan(planned, found, not_downloadable, excluded)


def skipped_batches(batches: Iterable[Batch]) -> list[SkippedBatch]:
    """The batches a sync does not look into, with why (their access expired)."""
    return [
        SkippedBatch(batch.id, batch.name, reason)
        for batch in batches
        if (reason := batch.why_not_downloadable) is not None
    ]


def _included(file: BatchFile, path: PurePosixPath, include: Sequence[str]) -> bool:
    inside_batch = "/".join((*file.folder_path, file.name)).casefold()
    candidates = (path.name.casefold(), file.name.casefold(), inside_batch)
    return any(
        fnmatch.fnmatchcase(candidate, pattern.casefold())
        for pattern in include
        for candidate in candidates
    )


@dataclass
class SyncTally:
    found: int
    not_downloadable: int = 0
    excluded: int = 0
    downloaded: int = 0
    skipped: int = 0
    planned: int = 0
    bytes_downloaded: int = 0
    resumed: int = 0
    retries: int = 0
    failures: list[FileFailure] = field(default_factory=list)
    batch_failures: list[BatchFailure] = field(default_factory=list)
    skipped_batches: list[SkippedBatch] = field(default_factory=list)

    def fail(self, file: BatchFile, reason: str, kind: str) -> None:
        self.failures.append(FileFailure(file.id, file.name, file.batch.name, reason, kind))

    def report(self, org: Org, batches: int, duration_s: float) -> SyncReport:
        return SyncReport(
            org=org,
            batches=batches,
            found=self.found,
            downloaded=self.downloaded,
            skipped=self.skipped,
            not_downloadable=self.not_downloadable,
            planned=self.planned,
            bytes_downloaded=self.bytes_downloaded,
            duration_s=duration_s,
            failures=tuple(self.failures),
            retries=self.retries,
            resumed=self.resumed,
            excluded=self.excluded,
            batch_failures=tuple(self.batch_failures),
            skipped_batches=tuple(self.skipped_batches),
        )
