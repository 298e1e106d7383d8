"""TieredBlobStore: memory, then persistent tiers fastest first; the last is the store of record."""

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cpbatch.application.blob_cache import MemoryBlobCache, TieredBlobStore
from cpbatch.domain.errors import StorageError
from support.fakes import InMemoryBlobStore

DATA = b"some stored bytes"
SHA = hashlib.sha256(DATA).hexdigest()


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.fixture
def fast() -> InMemoryBlobStore:
    return InMemoryBlobStore("filesystem")


@pytest.fixture
def slow() -> InMemoryBlobStore:
    return InMemoryBlobStore("gridfs")


def test_at_least_one_persistent_tier_is_needed() -> None:
    with pytest.raises(ValueError, match="at least one"):
        TieredBlobStore(MemoryBlobCache(10, 10), [])


async def test_put_writes_the_store_of_record_and_every_tier_above_it(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore
) -> None:
    memory = MemoryBlobCache(1_000, 1_000)
    blobs = TieredBlobStore(memory, [fast, slow])

    stored = await blobs.put(stream(DATA[:5], DATA[5:]))

    assert (stored.sha256, stored.size) == (SHA, len(DATA))
    assert blobs.record is slow
    assert slow.blobs == fast.blobs == {SHA: DATA}
    assert memory.get(SHA) is None  # memory fills on reads, not on writes


async def test_locate_names_the_fastest_tier_holding_the_blob(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore
) -> None:
    memory = MemoryBlobCache(1_000, 1_000)
    blobs = TieredBlobStore(memory, [fast, slow])
    await blobs.put(stream(DATA))

    assert await blobs.locate(SHA, len(DATA)) == "filesystem"
    await blobs.read_bytes(SHA, len(DATA))
    assert await blobs.locate(SHA, len(DATA)) == "memory"


async def test_a_blob_found_only_below_is_promoted_into_the_tiers_above(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore
) -> None:
    blobs = TieredBlobStore(None, [fast, slow])
    await slow.put(stream(DATA))

    assert await blobs.locate(SHA, len(DATA)) == "gridfs"
    assert fast.blobs == {SHA: DATA}
    assert await blobs.locate(SHA, len(DATA)) == "filesystem"


async def test_locate_ignores_a_blob_of_the_wrong_size_and_a_missing_one(
    fast: InMemoryBlobStore,
) -> None:
    blobs = TieredBlobStore(None, [fast])
    await fast.put(stream(DATA))

    assert await blobs.locate(SHA, len(DATA) + 1) is None
    assert await blobs.locate("0" * 64, 1) is None


async def test_read_bytes_keeps_small_blobs_in_memory_only(fast: InMemoryBlobStore) -> None:
    memory = MemoryBlobCache(max_bytes=1_000, max_item_bytes=len(DATA))
    blobs = TieredBlobStore(memory, [fast])
    small = await blobs.put(stream(DATA))
    large = await blobs.put(stream(DATA * 2))

    assert await blobs.read_bytes(small.sha256, small.size) == DATA
    assert await blobs.read_bytes(large.sha256, large.size) == DATA * 2
    assert memory.get(small.sha256) == DATA
    assert memory.get(large.sha256) is None


async def test_read_bytes_refuses_a_blob_of_unexpected_size(fast: InMemoryBlobStore) -> None:
    blobs = TieredBlobStore(MemoryBlobCache(1_000, 1_000), [fast])
    await blobs.put(stream(DATA))

    with pytest.raises(StorageError):
        await blobs.read_bytes(SHA, len(DATA) - 1)
    assert blobs.memory is not None
    assert blobs.memory.get(SHA) is None


async def test_read_stat_and_export_fall_through_to_a_lower_tier(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore, tmp_path: Path
) -> None:
    blobs = TieredBlobStore(None, [fast, slow])
    await slow.put(stream(DATA))

    assert b"".join([c async for c in blobs.read(SHA)]) == DATA
    assert await blobs.stat(SHA) == len(DATA)
    await blobs.export(SHA, tmp_path / "a" / "b.pdf")
    assert (tmp_path / "a" / "b.pdf").read_bytes() == DATA


async def test_a_blob_missing_everywhere_cannot_be_read_or_exported(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore, tmp_path: Path
) -> None:
    blobs = TieredBlobStore(None, [fast, slow])

    assert await blobs.stat(SHA) is None
    with pytest.raises(StorageError):
        _ = [c async for c in blobs.read(SHA)]
    with pytest.raises(StorageError):
        await blobs.export(SHA, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


async def test_a_blob_left_only_in_memory_is_kept_again_when_exported(
    fast: InMemoryBlobStore, slow: InMemoryBlobStore, tmp_path: Path
) -> None:
    memory = MemoryBlobCache(1_000, 1_000)
    blobs = TieredBlobStore(memory, [fast, slow])
    memory.put(SHA, DATA)

    await blobs.export(SHA, tmp_path / "b.pdf")

    assert (tmp_path / "b.pdf").read_bytes() == DATA
    assert slow.blobs == {SHA: DATA}


async def test_a_memory_copy_that_no_longer_matches_its_hash_is_dropped_not_exported(
    fast: InMemoryBlobStore, tmp_path: Path
) -> None:
    memory = MemoryBlobCache(1_000, 1_000)
    blobs = TieredBlobStore(memory, [fast])
    memory.put(SHA, b"tampered")

    with pytest.raises(StorageError):
        await blobs.export(SHA, tmp_path / "b.pdf")

    assert memory.get(SHA) is None
    assert not (tmp_path / "b.pdf").exists()
