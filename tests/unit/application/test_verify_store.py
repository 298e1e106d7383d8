"""VerifyStore: every record's blob present and intact, no blob without a record; --repair
removes exactly what is wrong, and the next sync downloads those files again."""

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from cpbatch.application.use_cases import SyncRequest, VerifyReport
from cpbatch.domain.errors import StorageError
from support.app import Services, build_services
from support.fakes import FakeClassPlus, InMemoryBlobStore, make_token

ALICE = make_token("a")
CONTENT = {101: b"notes", 102: b"slides!", 103: b"diagram bytes", 104: b"algebra"}
ORPHAN = b"bytes no record points at"


@pytest.fixture
async def app() -> Services:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    batch = gateway.add_batch(org, 12, "Physics")
    for file_id, content in CONTENT.items():
        gateway.add_file(batch, file_id, content=content)
    gateway.grant(ALICE, batch)
    services = build_services(gateway)
    await sync(services)
    return services


async def sync(app: Services) -> None:
    use_case = app.sync_org()
    report = await use_case.execute(SyncRequest(ALICE, "demo"))
    assert report.ok


async def verify(app: Services, *, repair: bool = False) -> VerifyReport:
    return await app.verify_store().execute(repair=repair)


def key(file_id: int) -> str:
    return f"7/course:12/{file_id}"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def damage(app: Services) -> tuple[str, str, str]:
    """File 101's blob deleted, 102's changed at the same size, one orphan blob added."""
    missing, corrupt = sha(CONTENT[101]), sha(CONTENT[102])
    del app.store.blobs[missing]
    app.store.blobs[corrupt] = b"SLIDES!"
    app.store.blobs[sha(ORPHAN)] = ORPHAN
    return missing, corrupt, sha(ORPHAN)


async def test_a_sound_store_is_clean(app: Services) -> None:
    report = await verify(app)

    assert report.clean
    assert report.ok
    assert (report.records_checked, report.blobs_checked) == (4, 4)
    assert report.bytes_hashed == sum(len(c) for c in CONTENT.values())
    assert report.store == "filesystem"
    assert report.repaired is None


async def test_missing_corrupt_and_orphan_blobs_are_each_reported(app: Services) -> None:
    _, corrupt_sha, orphan_sha = damage(app)

    report = await verify(app)

    assert report.missing == (key(101),)
    [corrupt] = report.corrupt
    assert (corrupt.key, corrupt.sha256) == (key(102), corrupt_sha)
    assert corrupt.found_sha256 == sha(b"SLIDES!")
    assert corrupt.found_size == corrupt.expected_size == len(CONTENT[102])
    assert report.orphan_blobs == (orphan_sha,)
    assert (report.problems, report.clean, report.ok) == (3, False, False)
    assert report.repaired is None


async def test_without_repair_nothing_is_touched(app: Services) -> None:
    damage(app)
    blobs, records = dict(app.store.blobs), dict(app.repository.file_records)

    await verify(app)

    assert app.store.blobs == blobs
    assert app.repository.file_records == records


async def test_repair_removes_exactly_what_is_wrong_and_leaves_a_clean_store(
    app: Services,
) -> None:
    _, corrupt_sha, orphan_sha = damage(app)

    report = await verify(app, repair=True)

    assert report.repaired is not None
    assert report.repaired.records_deleted == 2
    assert report.repaired.corrupt_blobs_deleted == 1
    assert report.repaired.orphan_blobs_deleted == 1
    assert report.repaired.failures == ()
    assert report.ok
    assert not report.clean
    assert sorted(app.repository.file_records) == [key(103), key(104)]
    assert set(app.store.blobs) == {sha(CONTENT[103]), sha(CONTENT[104])}
    assert corrupt_sha not in app.store.blobs
    assert orphan_sha not in app.store.blobs

    again = await verify(app)

    assert again.clean
    assert again.records_checked == 2


async def test_the_next_sync_downloads_again_exactly_the_repaired_files(app: Services) -> None:
    damage(app)
    await verify(app, repair=True)
    app.gateway.opens.clear()

    await sync(app)

    assert dict(app.gateway.opens) == {101: 1, 102: 1}
    assert (await verify(app)).clean
    assert app.store.blobs[sha(CONTENT[102])] == CONTENT[102]


async def test_a_blob_two_records_share_is_hashed_once(app: Services) -> None:
    shared = app.repository.file_records[key(103)]
    await app.repository.save_record(replace(shared, key="7/batch:30/999", file_id=999))

    report = await verify(app)

    assert report.clean
    assert (report.records_checked, report.blobs_checked) == (5, 4)
    assert report.bytes_hashed == sum(len(c) for c in CONTENT.values())


async def test_a_record_with_the_wrong_size_is_deleted_but_its_sound_blob_kept(
    app: Services,
) -> None:
    record = app.repository.file_records[key(104)]
    await app.repository.save_record(replace(record, size=record.size + 1))

    report = await verify(app, repair=True)

    [corrupt] = report.corrupt
    assert corrupt.key == key(104)
    assert corrupt.found_sha256 == record.sha256
    assert "says 8 bytes" in corrupt.reason
    assert report.repaired is not None
    assert (report.repaired.records_deleted, report.repaired.corrupt_blobs_deleted) == (1, 0)
    assert key(104) not in app.repository.file_records
    assert record.sha256 in app.store.blobs  # sound: an orphan now, or reused by the next sync


class UnreliableStore(InMemoryBlobStore):
    """Blobs that cannot be read, and deletions that fail."""

    def __init__(self) -> None:
        super().__init__("filesystem")
        self.unreadable: set[str] = set()
        self.undeletable: set[str] = set()

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        if sha256 in self.unreadable:
            raise StorageError(f"Could not open blob {sha256}: Permission denied.")
        async for chunk in super().read(sha256):
            yield chunk

    async def delete(self, sha256: str) -> None:
        if sha256 in self.undeletable:
            raise StorageError("Could not delete a blob: Read-only file system.")
        await super().delete(sha256)


async def test_an_unreadable_blob_is_corrupt_and_a_failed_deletion_is_reported() -> None:
    gateway = FakeClassPlus()
    batch = gateway.add_batch(gateway.add_org("demo"), 12)
    for file_id, content in CONTENT.items():
        gateway.add_file(batch, file_id, content=content)
    gateway.grant(ALICE, batch)
    store = UnreliableStore()
    app = build_services(gateway, tiers=[store])
    await sync(app)
    store.unreadable.add(sha(CONTENT[101]))
    store.undeletable.add(sha(CONTENT[101]))

    report = await verify(app, repair=True)

    [corrupt] = report.corrupt
    assert corrupt.found_sha256 is None
    assert "Permission denied" in corrupt.reason
    assert report.repaired is not None
    assert report.repaired.records_deleted == 1
    assert report.repaired.corrupt_blobs_deleted == 0
    [failure] = report.repaired.failures
    assert sha(CONTENT[101]) in failure
    assert "Read-only" in failure
    assert not report.ok
