"""What can be downloaded, and when a stored record still matches its upstream file."""

from datetime import UTC, datetime

import pytest

from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    BatchSource,
    FileFailure,
    FileKind,
    FileRecord,
    Org,
    SyncReport,
)

ORG = Org(OrgCode("demo"), 7, "Demo Academy")
COURSE = Batch(12, "Physics", ORG)
URL = "https://cdn.example.invalid/secret-capability"


def item(kind: FileKind = FileKind.DOCUMENT, **changes: object) -> BatchFile:
    fields: dict[str, object] = {"url": URL, "size": 100, "version": "v1", **changes}
    return BatchFile(42, COURSE, ("Unit 1",), "notes.pdf", kind, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", [FileKind.DOCUMENT, FileKind.IMAGE, FileKind.OTHER])
def test_documents_images_and_attachments_with_an_address_are_downloadable(kind: FileKind) -> None:
    file = item(kind)

    assert file.downloadable
    assert file.why_not_downloadable is None


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (item(FileKind.VIDEO), "videos"),
        (item(FileKind.TEST), "tests"),
        (item(FileKind.UNSUPPORTED), "not supported"),
        (item(locked=True), "locked"),
        (item(url=None), "no file address"),
    ],
)
def test_everything_else_is_listed_but_not_downloadable_with_a_reason(
    file: BatchFile, reason: str
) -> None:
    assert not file.downloadable
    assert reason in (file.why_not_downloadable or "")


def test_a_file_address_is_never_shown_in_repr() -> None:
    assert URL not in repr(item())


def test_record_key_tells_apart_a_course_and_a_batch_sharing_an_id() -> None:
    in_batch = BatchFile(
        42, Batch(12, "Physics", ORG, BatchSource.BATCH), (), "n", FileKind.IMAGE, "v"
    )

    assert item().record_key == "7/course:12/42"
    assert in_batch.record_key == "7/batch:12/42"


def record_of(file: BatchFile, **changes: object) -> FileRecord:
    fields: dict[str, object] = {
        "key": file.record_key,
        "file_id": file.id,
        "version": file.version,
        "sha256": "0" * 64,
        "size": file.size or 0,
        "name": file.name,
        "recorded_at": datetime(2024, 1, 1, tzinfo=UTC),
        **changes,
    }
    return FileRecord(**fields)  # type: ignore[arg-type]


def test_a_record_matches_the_same_file_at_the_same_version_and_size() -> None:
    assert record_of(item()).matches(item())


def test_a_record_matches_when_upstream_does_not_say_the_size() -> None:
    assert record_of(item()).matches(item(size=None))


@pytest.mark.parametrize(
    "changed", [item(version="v2"), item(size=101)], ids=["new version", "new size"]
)
def test_a_record_does_not_match_a_changed_file(changed: BatchFile) -> None:
    assert not record_of(item()).matches(changed)


def test_a_record_does_not_match_another_file() -> None:
    assert not record_of(item(), key="7/course:12/43").matches(item())


def test_a_sync_report_is_ok_only_without_failures() -> None:
    failure = FileFailure(42, "notes.pdf", "Physics", "timed out", "download_failed")
    clean = SyncReport(ORG, 1, 3, 3, 0, 0, 0, 300, 0.1)
    failed = SyncReport(ORG, 1, 3, 2, 0, 0, 0, 200, 0.1, failures=(failure,))

    assert (clean.ok, clean.failed) == (True, 0)
    assert (failed.ok, failed.failed) == (False, 1)
