"""DownloadBatch: one file, served only if the caller's own listing shows it, from the fastest
cache tier that holds it, else from upstream."""

from pathlib import Path

import pytest

from cpbatch.application.blob_cache import MemoryBlobCache
from cpbatch.application.use_cases import DownloadBatch
from cpbatch.domain.errors import (
    BatchFileNotFoundError,
    NotDownloadableError,
    ValidationError,
)
from cpbatch.domain.models import FileKind
from support.app import Services, build_services
from support.fakes import FakeClassPlus, InMemoryBlobStore, make_token

ALICE = make_token("a")
BOB = make_token("b")
NOTES = b"Newton's three laws, in detail."


@pytest.fixture
def gateway() -> FakeClassPlus:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    gateway.add_file(physics, 101, "notes.pdf", NOTES, folders=("Unit 1",))
    gateway.add_file(physics, 102, "Lecture 1", kind=FileKind.VIDEO)
    gateway.add_file(physics, 103, "Quiz 1", kind=FileKind.TEST)
    gateway.add_file(physics, 104, "Notes.pdf", b"another file", folders=("Unit 1",))
    gateway.add_file(maths, 201, "algebra.pdf")
    gateway.grant(ALICE, physics, maths)
    gateway.grant(BOB, maths)
    return gateway


def download_batch(app: Services) -> DownloadBatch:
    return app.download_batch()


@pytest.fixture
def app(gateway: FakeClassPlus) -> Services:
    return build_services(gateway, memory=MemoryBlobCache(max_bytes=10_000, max_item_bytes=1_000))


async def test_the_first_download_comes_from_upstream_and_is_recorded(app: Services) -> None:
    download = download_batch(app)

    result = await download.execute(ALICE, "demo", 101)

    assert result.source == "upstream"
    assert await app.read_file().execute(result) == NOTES
    assert app.repository.file_records[result.file.record_key].version == "v1"
    assert app.gateway.total_opens == 1


async def test_repeated_downloads_come_from_the_filesystem_then_from_memory(app: Services) -> None:
    download = download_batch(app)

    sources = [(await download.execute(ALICE, "demo", 101)).source for _ in range(3)]

    assert sources == ["upstream", "filesystem", "memory"]
    assert app.gateway.total_opens == 1


async def test_without_a_memory_tier_repeated_downloads_come_from_the_filesystem(
    gateway: FakeClassPlus,
) -> None:
    download = download_batch(build_services(gateway))

    sources = [(await download.execute(ALICE, "demo", 101)).source for _ in range(3)]

    assert sources == ["upstream", "filesystem", "filesystem"]


async def test_a_file_too_large_for_memory_keeps_coming_from_the_filesystem(
    gateway: FakeClassPlus,
) -> None:
    small = MemoryBlobCache(max_bytes=10_000, max_item_bytes=len(NOTES) - 1)
    download = download_batch(build_services(gateway, memory=small))

    sources = [(await download.execute(ALICE, "demo", 101)).source for _ in range(3)]

    assert sources == ["upstream", "filesystem", "filesystem"]
    assert small.size == 0


async def test_a_hit_in_a_lower_tier_is_promoted_into_the_tiers_above(
    gateway: FakeClassPlus,
) -> None:
    fast, slow = InMemoryBlobStore("filesystem"), InMemoryBlobStore("gridfs")
    download = download_batch(build_services(gateway, tiers=[fast, slow]))
    first = await download.execute(ALICE, "demo", 101)
    fast.blobs.clear()  # e.g. a new machine sharing the GridFS store

    second = await download.execute(ALICE, "demo", 101)
    third = await download.execute(ALICE, "demo", 101)

    assert (second.source, third.source) == ("gridfs", "filesystem")
    assert fast.blobs == {first.stored.sha256: NOTES}
    assert gateway.total_opens == 1


async def test_a_user_whose_listing_lacks_the_file_never_receives_it(
    app: Services, tmp_path: Path
) -> None:
    download = download_batch(app)
    await download.execute(ALICE, "demo", 101)  # now stored, for Alice
    served = app.gateway.bytes_served

    with pytest.raises(BatchFileNotFoundError):
        await download.execute(BOB, "demo", 101, destination=tmp_path / "bob")

    assert not (tmp_path / "bob").exists()
    assert app.gateway.total_opens == 1
    assert app.gateway.bytes_served == served


async def test_a_user_cannot_name_a_batch_outside_their_listing(app: Services) -> None:
    download = download_batch(app)

    with pytest.raises(BatchFileNotFoundError):
        await download.execute(BOB, "demo", 101, batch="12")


async def test_a_file_is_looked_for_only_in_the_named_batch(app: Services) -> None:
    with pytest.raises(BatchFileNotFoundError):
        await download_batch(app).execute(ALICE, "demo", 101, batch="course:20")


@pytest.mark.parametrize("file_id", [102, 103], ids=["video", "test"])
async def test_videos_and_tests_are_not_downloadable(app: Services, file_id: int) -> None:
    with pytest.raises(NotDownloadableError):
        await download_batch(app).execute(ALICE, "demo", file_id)

    assert app.gateway.total_opens == 0


async def test_a_new_upstream_version_is_downloaded_again(app: Services) -> None:
    download = download_batch(app)
    await download.execute(ALICE, "demo", 101)
    app.gateway.change_file(101, b"revised notes", "v2")
    app.clock.advance(3600)  # the cached listing, which still shows v1, expires

    result = await download.execute(ALICE, "demo", 101)

    assert result.source == "upstream"
    assert await app.read_file().execute(result) == b"revised notes"
    assert app.repository.file_records[result.file.record_key].version == "v2"


async def test_a_recorded_file_whose_blob_vanished_is_downloaded_again(app: Services) -> None:
    download = download_batch(app)
    first = await download.execute(ALICE, "demo", 101)
    await app.store.delete(first.stored.sha256)

    again = await download.execute(ALICE, "demo", 101)

    assert again.source == "upstream"
    assert await app.store.stat(first.stored.sha256) == len(NOTES)


async def test_a_destination_receives_the_file_under_org_batch_and_folders(
    app: Services, tmp_path: Path
) -> None:
    download = download_batch(app)

    first = await download.execute(ALICE, "demo", 101, destination=tmp_path)
    clashing = await download.execute(ALICE, "demo", 104, destination=tmp_path)

    assert first.path == tmp_path / "demo" / "Physics (12)" / "Unit 1" / "notes.pdf"
    assert clashing.path == tmp_path / "demo" / "Physics (12)" / "Unit 1" / "Notes (104).pdf"
    assert first.path.read_bytes() == NOTES
    assert clashing.path.read_bytes() == b"another file"


async def test_a_cached_file_is_exported_too(app: Services, tmp_path: Path) -> None:
    download = download_batch(app)
    await download.execute(ALICE, "demo", 101)

    result = await download.execute(ALICE, "demo", 101, destination=tmp_path)

    assert result.source == "filesystem"
    assert result.path is not None
    assert result.path.read_bytes() == NOTES


async def test_a_file_left_only_in_memory_still_reaches_the_destination(
    app: Services, tmp_path: Path
) -> None:
    download = download_batch(app)
    await download.execute(ALICE, "demo", 101)
    cached = await download.execute(ALICE, "demo", 101)  # now also in memory
    await app.store.delete(cached.stored.sha256)  # e.g. the cache folder was cleaned

    result = await download.execute(ALICE, "demo", 101, destination=tmp_path)

    assert result.path is not None
    assert result.path.read_bytes() == NOTES
    assert app.store.blobs == {cached.stored.sha256: NOTES}  # kept again from memory
    assert app.gateway.total_opens == 1


@pytest.mark.parametrize("file_id", ["abc", 0, "-1"])
async def test_an_invalid_file_id_is_rejected_before_asking_upstream(
    app: Services, file_id: object
) -> None:
    with pytest.raises(ValidationError):
        await download_batch(app).execute(ALICE, "demo", file_id)  # type: ignore[arg-type]

    assert not app.gateway.calls


async def test_an_unknown_file_is_not_found_in_the_callers_batches(app: Services) -> None:
    with pytest.raises(BatchFileNotFoundError, match="Demo Academy"):
        await download_batch(app).execute(ALICE, "demo", 999)
