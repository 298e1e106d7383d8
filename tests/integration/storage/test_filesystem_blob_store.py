"""What FilesystemBlobStore promises beyond the BlobStore contract."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cpbatch.adapters.filesystem import FilesystemBlobStore
from cpbatch.adapters.filesystem.temp_blob import TempBlob
from cpbatch.domain.errors import StorageError, ValidationError


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.fixture
def store(tmp_path: Path) -> FilesystemBlobStore:
    return FilesystemBlobStore(tmp_path / "blobs")


async def test_blobs_are_read_only_files_fanned_out_by_digest(
    store: FilesystemBlobStore, tmp_path: Path
) -> None:
    stored = await store.put(stream(b"hello"))
    sha = hashlib.sha256(b"hello").hexdigest()
    expected = tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert stored.location == str(expected)
    assert expected.read_bytes() == b"hello"
    assert stat.S_IMODE(expected.stat().st_mode) == 0o400


@pytest.mark.parametrize(
    "bad", ["../../../etc/passwd", "A" * 64, "a" * 63, "g" * 64, "", "a" * 64 + "/x"]
)
async def test_a_digest_that_is_not_64_lowercase_hex_is_refused(
    store: FilesystemBlobStore, tmp_path: Path, bad: str
) -> None:
    with pytest.raises(ValidationError):
        await store.stat(bad)
    with pytest.raises(ValidationError):
        await store.delete(bad)
    with pytest.raises(ValidationError):
        await store.export(bad, tmp_path / "out")
    with pytest.raises(ValidationError):
        async for _ in store.read(bad):
            pass


async def test_temp_and_stray_files_are_never_listed_as_blobs(
    store: FilesystemBlobStore, tmp_path: Path
) -> None:
    stored = await store.put(stream(b"real"))
    root = tmp_path / "blobs"
    (root / "tmp" / ("f" * 64)).write_bytes(b"half written")
    (root / "ff" / "ff").mkdir(parents=True)
    (root / "ff" / "ff" / ("0" * 64)).write_bytes(b"misplaced")
    (root / "ff" / "ff" / "notes.txt").write_bytes(b"stray")
    assert [d async for d in store.digests()] == [stored.sha256]


async def test_stale_temp_files_are_swept_fresh_ones_kept(tmp_path: Path) -> None:
    temp_dir = tmp_path / "blobs" / "tmp"
    temp_dir.mkdir(parents=True)
    stale, fresh = temp_dir / "old.part", temp_dir / "new.part"
    stale.write_bytes(b"left by a crash")
    fresh.write_bytes(b"a put in progress elsewhere")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    store = FilesystemBlobStore(tmp_path / "blobs")
    await store.put(stream(b"first put sweeps"))
    assert sorted(p.name for p in temp_dir.iterdir()) == ["new.part"]
    assert await store.sweep_temp(max_age_s=0) == 1
    assert list(temp_dir.iterdir()) == []


async def test_small_chunks_are_written_in_batches(
    store: FilesystemBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = TempBlob.write

    def counting(self: TempBlob, chunks: list[bytes]) -> None:
        calls.append(len(chunks))
        original(self, chunks)

    monkeypatch.setattr(TempBlob, "write", counting)
    stored = await store.put(stream(*[b"x" * 1000] * 3000))  # 3 MB in 1 kB chunks
    assert stored.size == 3_000_000
    assert sum(calls) == 3000
    assert len(calls) <= 4


async def test_a_truncated_blob_is_repaired_by_the_next_put(store: FilesystemBlobStore) -> None:
    stored = await store.put(stream(b"complete content"))
    path = Path(stored.location)
    path.chmod(0o644)
    path.write_bytes(b"compl")
    await store.put(stream(b"complete content"))
    assert path.read_bytes() == b"complete content"


async def test_disk_failures_become_storage_errors_naming_what_failed(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "blobs"
    not_a_dir.write_bytes(b"a file where the store should be")
    store = FilesystemBlobStore(not_a_dir)
    with pytest.raises(StorageError, match=r"Could not .* in .*blobs"):
        await store.put(stream(b"data"))


async def test_an_export_is_an_independent_copy_the_user_may_edit(
    store: FilesystemBlobStore, tmp_path: Path
) -> None:
    stored = await store.put(stream(b"pristine"))
    destination = tmp_path / "out.pdf"
    await store.export(stored.sha256, destination)

    assert not os.path.samefile(stored.location, destination)
    destination.chmod(0o644)
    destination.write_bytes(b"annotated by the user")

    assert b"".join([c async for c in store.read(stored.sha256)]) == b"pristine"
    await store.export(stored.sha256, tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == b"pristine"


async def test_putting_content_again_heals_a_damaged_blob(store: FilesystemBlobStore) -> None:
    stored = await store.put(stream(b"original bytes"))
    blob = Path(stored.location)
    blob.chmod(0o644)
    blob.write_bytes(b"damaged bytes!")  # same size, other content

    again = await store.put(stream(b"original bytes"))

    assert again.sha256 == stored.sha256
    assert b"".join([c async for c in store.read(stored.sha256)]) == b"original bytes"


async def test_a_failed_copy_keeps_the_old_file_and_leaves_no_temp(
    store: FilesystemBlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "copy_file_range", disk_full)
    stored = await store.put(stream(b"new"))
    destination = tmp_path / "out" / "notes.pdf"
    destination.parent.mkdir()
    destination.write_bytes(b"old")
    with pytest.raises(StorageError, match="No space left on device"):
        await store.export(stored.sha256, destination)
    assert destination.read_bytes() == b"old"
    assert [p.name for p in destination.parent.iterdir()] == ["notes.pdf"]


async def test_export_falls_back_to_a_plain_copy_where_the_kernel_cannot_copy(
    store: FilesystemBlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", unsupported)
    stored = await store.put(stream(b"copied the old way"))
    destination = tmp_path / "out" / "notes.pdf"

    await store.export(stored.sha256, destination)

    assert destination.read_bytes() == b"copied the old way"
    assert [p.name for p in destination.parent.iterdir()] == ["notes.pdf"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def test_partial_files_of_a_killed_process_are_removed_but_a_live_writers_are_kept(
    store: FilesystemBlobStore, tmp_path: Path
) -> None:
    dead = _dead_pid()
    out = tmp_path / "out"
    out.mkdir()
    killed_copy = out / f".cpbatch-{dead}-{'a' * 32}.part"
    killed_copy.write_bytes(b"half a copy")
    live_copy = out / f".cpbatch-{os.getpid()}-{'b' * 32}.part"
    live_copy.write_bytes(b"being written right now")
    blob_temp = store.root / "tmp" / f".cpbatch-{dead}-{'c' * 32}.part"
    blob_temp.parent.mkdir(parents=True, exist_ok=True)
    blob_temp.write_bytes(b"half a download")

    stored = await store.put(stream(b"complete"))
    await store.export(stored.sha256, out / "notes.pdf")

    assert not killed_copy.exists()
    assert not blob_temp.exists()
    assert live_copy.exists()
    assert (out / "notes.pdf").read_bytes() == b"complete"
