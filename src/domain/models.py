"""Immutable domain models: what an organization, a batch and a file are to cpbatch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from cpbatch.domain.identifiers import OrgCode


@dataclass(frozen=True, slots=True)
class Org:
    code: OrgCode
    id: int
    name: str


class BatchSource(Enum):
    """Which upstream listing a batch comes from; it decides which endpoint walks its content."""

    COURSE = "course"  # an enrolled course: /v2/course/content/get
    BATCH = "batch"  # a tutor-side batch: /v2/folder


@dataclass(frozen=True, slots=True)
class Batch:
    """A course or batch the user's account can open, holding files."""

    id: int
    name: str
    org: Org
    source: BatchSource = BatchSource.COURSE
    file_count: int | None = None
    created: datetime | None = None
    # When the user's access (a purchase with an end date) had already ended when listed:
    # the batch is listed, and nothing in it is fetched.
    access_expired_on: datetime | None = None

    @property
    def key(self) -> str:
        """Unique within an org even when a course and a batch share a number."""
        return f"{self.source.value}:{self.id}"

    @property
    def downloadable(self) -> bool:
        return self.access_expired_on is None

    @property
    def why_not_downloadable(self) -> str | None:
        if self.access_expired_on is not None:
            return f"not downloadable: access expired on {self.access_expired_on:%Y-%m-%d}"
        return None


class FileKind(Enum):
    DOCUMENT = "document"
    IMAGE = "image"
    OTHER = "other"  # a downloadable attachment that is neither (zip, audio, ...)
    VIDEO = "video"
    TEST = "test"
    UNSUPPORTED = "unsupported"  # a contentType cpbatch does not know

    @property
    def downloadable(self) -> bool:
        return self in (FileKind.DOCUMENT, FileKind.IMAGE, FileKind.OTHER)


@dataclass(frozen=True, slots=True)
class BatchFile:
    """One item of a batch's content tree. `url` is a capability: never log or show it."""

    id: int
    batch: Batch
    folder_path: tuple[str, ...]
    name: str
    kind: FileKind
    version: str
    url: str | None = field(default=None, repr=False)
    mime_type: str | None = None
    size: int | None = None
    locked: bool = False

    @property
    def downloadable(self) -> bool:
        return self.kind.downloadable and not self.locked and self.url is not None

    @property
    def record_key(self) -> str:
        """The key of this file's stored record: org, batch and upstream id."""
        return f"{self.batch.org.id}/{self.batch.key}/{self.id}"

    @property
    def why_not_downloadable(self) -> str | None:
        if self.kind is FileKind.VIDEO:
            return "videos are streamed by ClassPlus and are not downloadable"
        if self.kind is FileKind.TEST:
            return "tests and quizzes are not files and are not downloadable"
        if self.kind is FileKind.UNSUPPORTED:
            return "this kind of content is not supported"
        if self.locked:
            return "this item is locked for your account"
        if self.url is None:
            return "ClassPlus gives no file address for this item"
        return None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Bytes kept by a blob store, addressed by their content."""

    sha256: str
    size: int
    location: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What cpbatch knows it has stored for one upstream file (the sync checkpoint)."""

    key: str
    file_id: int
    version: str
    sha256: str
    size: int
    name: str
    recorded_at: datetime

    def matches(self, file: BatchFile) -> bool:
        """Same upstream id and version, and (when upstream says) the same size."""
        return (
            self.key == file.record_key
            and self.version == file.version
            and (file.size is None or file.size == self.size)
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """A file a sync wrote into the user's folder, as it was when written: `path` (absolute)
    holds the bytes `record` describes (a sync writes each file once, there and nowhere else)."""

    path: str
    record: FileRecord

    def matches(self, file: BatchFile) -> bool:
        return self.record.matches(file)


class FileOutcome(Enum):
    DOWNLOADED = "downloaded"
    SKIPPED = "skipped"  # unchanged since the last sync, blob still present
    FAILED = "failed"
    NOT_DOWNLOADABLE = "not_downloadable"
    PLANNED = "planned"  # --dry-run: would be downloaded


@dataclass(frozen=True, slots=True)
class FileFailure:
    file_id: int
    name: str
    batch_name: str
    reason: str
    error_kind: str


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """A batch whose listing could not be read; its files were not looked at."""

    batch_id: int
    batch_name: str
    reason: str
    error_kind: str


@dataclass(frozen=True, slots=True)
class SkippedBatch:
    """A batch listed but not looked into, as it is not downloadable (access expired)."""

    batch_id: int
    batch_name: str
    reason: str


@dataclass(frozen=True, slots=True)
class SyncReport:
    org: Org
    batches: int
    found: int
    downloaded: int
    skipped: int
    not_downloadable: int
    planned: int
    bytes_downloaded: int
    duration_s: float
    failures: tuple[FileFailure, ...] = ()
    retries: int = 0
    resumed: int = 0
    excluded: int = 0  # downloadable, but left out by --include
    batch_failures: tuple[BatchFailure, ...] = ()
    skipped_batches: tuple[SkippedBatch, ...] = ()  # not a failure: nothing there to fetch

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.batch_failures


@dataclass(frozen=True, slots=True)
class OrgListing:
    """An org and the batches one user's account can open, as fetched at `fetched_at`."""

    org: Org
    batches: tuple[Batch, ...]
    fetched_at: datetime
