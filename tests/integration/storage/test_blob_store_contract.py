"""The BlobStore contract, run against every adapter (see conftest.py)."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpbatch.application.ports.storage import BlobStore
from cpbatch.domain.errors import StorageError
from support.storage_kits import BlobStoreKit

MISSING = "0" * 64
ODD_SIZES = (1, 4093, 65_537, 7, 300_001, 12_289)


async def stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)  # let other tasks interleave, like a real download


def split(data: bytes, sizes: Iterable[int] = ODD_SIZES) -> list[bytes]:
    parts: list[bytes] = []
    offset = 0
    for size in itertools.cycle(sizes):
        if offset >= len(data):
            return parts
        parts.append(data[offset : offset + size])
        offset += size
    raise AssertionError("unreachable")


async def read_all(store: BlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(sha256)])


async def digests(store: BlobStore) -> list[str]:
    return sorted([digest async for digest in store.digests()])


@pytest.mark.parametrize("size", [0, 1, 3 * 1024 * 1024 + 17], ids=["empty", "1B", "3MiB"])
async def test_put_then_read_returns_the_same_bytes(blob_store: BlobStore, size: int) -> None:
    data = os.urandom(size)
    stored = await blob_store.put(stream(split(data)))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == size
    assert await read_all(blob_store, stored.sha256) == data
    assert await blob_store.stat(stored.sha256) == size
    assert await digests(blob_store) == [stored.sha256]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunks=st.lists(st.binary(max_size=3000), max_size=12))
async def test_any_chunking_round_trips(blob_store: BlobStore, chunks: list[bytes]) -> None:
    data = b"".join(chunks)
    stored = await blob_store.put(stream(chunks))
    assert (stored.sha256, stored.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert await read_all(blob_store, stored.sha256) == data


async def test_identical_content_is_kept_once(blob_store: BlobStore) -> None:
    first = await blob_store.put(stream([b"same ", b"bytes"]))
    second = await blob_store.put(stream([b"same bytes"]))
    other = await blob_store.put(stream([b"other bytes"]))
    assert first.sha256 == second.sha256
    assert await digests(blob_store) == sorted([first.sha256, other.sha256])


async def test_a_stream_failing_midway_stores_nothing(blob_kit: BlobStoreKit) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"a" * 200_000
        yield b"b" * 200_000
        raise ConnectionResetError("upstream went away")

    with pytest.raises(ConnectionResetError):
        await blob_kit.store.put(broken())
    assert await digests(blob_kit.store) == []
    assert blob_kit.leftovers() == []
    stored = await blob_kit.store.put(stream([b"still works"]))  # and the store is usable
    assert await read_all(blob_kit.store, stored.sha256) == b"still works"


async def test_a_cancelled_put_leaves_nothing(blob_kit: BlobStoreKit) -> None:
    halfway = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield os.urandom(150_000)
        halfway.set()
        await asyncio.Event().wait()  # a download that hangs
        yield b"never"

    task = asyncio.create_task(blob_kit.store.put(stalls()))
    await asyncio.wait_for(halfway.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await digests(blob_kit.store) == []
    assert blob_kit.leftovers() == []


async def test_concurrent_puts_of_the_same_content_keep_one_intact_blob(
    blob_kit: BlobStoreKit,
) -> None:
    data = os.urandom(700_001)
    results = await asyncio.gather(*(blob_kit.store.put(stream(split(data))) for _ in range(5)))
    assert {r.sha256 for r in results} == {hashlib.sha256(data).hexdigest()}
    assert await digests(blob_kit.store) == [results[0].sha256]
    assert await read_all(blob_kit.store, results[0].sha256) == data
    assert blob_kit.leftovers() == []


async def test_reading_a_missing_blob_raises_storage_error(blob_store: BlobStore) -> None:
    with pytest.raises(StorageError, match="not in the store"):
        await read_all(blob_store, MISSING)
    assert await blob_store.stat(MISSING) is None


async def test_delete_removes_and_tolerates_missing(blob_store: BlobStore) -> None:
    stored = await blob_store.put(stream([b"to delete"]))
    await blob_store.delete(stored.sha256)
    await blob_store.delete(stored.sha256)
    await blob_store.delete(MISSING)
    assert await blob_store.stat(stored.sha256) is None
    assert await digests(blob_store) == []
    again = await blob_store.put(stream([b"to delete"]))  # can be stored again
    assert await read_all(blob_store, again.sha256) == b"to delete"


async def test_export_creates_parents_and_replaces_an_existing_file(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    old = await blob_store.put(stream([b"old content"]))
    new = await blob_store.put(stream([b"new content, longer"]))
    destination = tmp_path / "out" / "Org" / "Batch (11)" / "notes.pdf"
    await blob_store.export(old.sha256, destination)
    assert destination.read_bytes() == b"old content"
    await blob_store.export(new.sha256, destination)  # over a (possibly read-only) export
    assert destination.read_bytes() == b"new content, longer"
    await blob_store.export(new.sha256, destination)  # again: harmless
    assert destination.read_bytes() == b"new content, longer"
    assert sorted(p.name for p in destination.parent.iterdir()) == ["notes.pdf"]


async def test_export_of_a_missing_blob_raises_and_keeps_the_destination(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    destination = tmp_path / "notes.pdf"
    destination.write_bytes(b"mine")
    with pytest.raises(StorageError):
        await blob_store.export(MISSING, destination)
    assert destination.read_bytes() == b"mine"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.pdf"]


async def test_export_is_atomic_for_readers(blob_store: BlobStore, tmp_path: Path) -> None:
    first = os.urandom(300_000)
    second = os.urandom(200_000)
    a = await blob_store.put(stream([first]))
    b = await blob_store.put(stream([second]))
    destination = tmp_path / "shared" / "file.bin"
    await blob_store.export(a.sha256, destination)
    seen: set[bytes] = set()
    done = threading.Event()

    def watch() -> None:  # a reader that must never see a missing or partial file
        while not done.is_set():
            seen.add(destination.read_bytes())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for sha in [b.sha256, a.sha256] * 10:
            await blob_store.export(sha, destination)
    finally:
        done.set()
        watcher.join()
    assert seen <= {first, second}


@pytest.mark.parametrize("linked", ["Org", "Org/Batch", "Org/Batch/Week 1"])
async def test_export_never_writes_through_a_link_below_its_folder(
    blob_store: BlobStore, tmp_path: Path, linked: str
) -> None:
    stored = await blob_store.put(stream([b"notes"]))
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / linked).parent.mkdir(parents=True, exist_ok=True)
    (out / linked).symlink_to(elsewhere, target_is_directory=True)
    destination = out / "Org" / "Batch" / "Week 1" / "notes.pdf"
    for replace in (True, False):
        with pytest.raises(StorageError, match=f"{out / linked} is a symbolic link"):
            await blob_store.export(stored.sha256, destination, replace=replace, within=out)
    assert list(elsewhere.rglob("*")) == []


async def test_export_refuses_a_folder_replaced_by_a_link_between_runs(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    stored = await blob_store.put(stream([b"notes"]))
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    destination = out / "Org" / "Batch" / "notes.pdf"
    await blob_store.export(stored.sha256, destination, within=out)
    (out / "Org").rename(elsewhere)
    (out / "Org").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(StorageError, match="symbolic link"):
        await blob_store.export(stored.sha256, destination, within=out)
    assert sorted(p.name for p in (elsewhere / "Batch").iterdir()) == ["notes.pdf"]


async def test_the_folder_exported_within_may_itself_be_a_link(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    stored = await blob_store.put(stream([b"notes"]))
    real, chosen = tmp_path / "real", tmp_path / "chosen"
    real.mkdir()
    chosen.symlink_to(real, target_is_directory=True)  # the user's own choice of folder
    await blob_store.export(stored.sha256, chosen / "Org" / "notes.pdf", within=chosen)
    assert (real / "Org" / "notes.pdf").read_bytes() == b"notes"


async def test_export_outside_its_folder_is_refused(blob_store: BlobStore, tmp_path: Path) -> None:
    stored = await blob_store.put(stream([b"notes"]))
    out = tmp_path / "out"
    for destination in (tmp_path / "notes.pdf", out / ".." / "notes.pdf", out):
        with pytest.raises(StorageError, match="not inside"):
            await blob_store.export(stored.sha256, destination, within=out)
    assert not (tmp_path / "notes.pdf").exists()
