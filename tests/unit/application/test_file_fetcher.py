"""FileFetcher: upstream bytes into the store of record, and a record only for whole files."""

import pytest

from cpbatch.application.ports import NullSyncProgress
from cpbatch.domain.errors import DownloadFailedError, NotDownloadableError
from cpbatch.domain.models import BatchFile, FileKind
from support.app import Services, build_services
from support.fakes import FakeClassPlus, RecordingProgress

CONTENT = b"0123456789"


@pytest.fixture
def app() -> Services:
    return build_services(FakeClassPlus(chunk_size=4))


def add(app: Services, kind: FileKind = FileKind.DOCUMENT) -> BatchFile:
    gateway = app.gateway
    batch = gateway.add_batch(gateway.add_org("demo"), 12, "Physics")
    return gateway.add_file(batch, 1, "notes.pdf", CONTENT, kind=kind, version="2024-05-01")


async def test_a_fetched_file_is_stored_and_recorded_with_its_version(app: Services) -> None:
    file = add(app)

    fetched = await app.fetcher.fetch(file, NullSyncProgress())

    assert app.store.blobs == {fetched.stored.sha256: CONTENT}
    record = app.repository.file_records[file.record_key]
    assert (record.file_id, record.version, record.size, record.name) == (
        1,
        "2024-05-01",
        len(CONTENT),
        "notes.pdf",
    )
    assert record.sha256 == fetched.stored.sha256
    assert record.matches(file)


async def test_progress_sees_the_announced_size_and_every_chunk(app: Services) -> None:
    file, progress = add(app), RecordingProgress()

    await app.fetcher.fetch(file, progress)

    assert progress.started == {1: 10}
    assert progress.events == [
        ("file_started", 1),
        ("bytes_received", 1),
        ("bytes_received", 1),
        ("bytes_received", 1),
    ]
    assert progress.received == {1: 10}
    assert not progress.finished  # finishing is the use case's to say


async def test_a_file_that_is_not_downloadable_is_never_opened(app: Services) -> None:
    file = add(app, FileKind.VIDEO)

    with pytest.raises(NotDownloadableError, match="videos"):
        await app.fetcher.fetch(file, NullSyncProgress())

    assert app.gateway.total_opens == 0


async def test_a_size_mismatch_raises_and_records_nothing(app: Services) -> None:
    file = add(app)
    app.gateway.announced_size[1] = 11

    with pytest.raises(DownloadFailedError, match="announced 11"):
        await app.fetcher.fetch(file, NullSyncProgress())

    assert not app.repository.file_records
    assert not app.store.blobs  # the bytes were discarded, not left as an orphan blob


async def test_a_broken_transfer_stores_and_records_nothing(app: Services) -> None:
    file = add(app)
    app.gateway.fail_after_bytes[1] = (5, DownloadFailedError("connection reset"))

    with pytest.raises(DownloadFailedError):
        await app.fetcher.fetch(file, NullSyncProgress())

    assert not app.store.blobs
    assert not app.repository.file_records
