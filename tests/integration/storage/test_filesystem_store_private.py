"""The embedded store keeps to itself: nothing is written, read, swept or deleted through a
symbolic link below its root, and only the user running cpbatch can look inside it."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from cpbatch.adapters.filesystem import FilesystemBlobStore
from cpbatch.adapters.filesystem.bounded_cache import BoundedFilesystemCache
from cpbatch.adapters.filesystem.temp_blob import TempBlob
from cpbatch.domain.errors import StorageError

DATA = b"a stored file"
SHA = hashlib.sha256(DATA).hexdigest()


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual umask: what made the store readable by everyone
    yield
    os.umask(previous)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def dead_temp(folder: Path) -> Path:
    """A temp file of a process that is gone, as the sweeps look for."""
    planted = folder / f".cpbatch-999999999-{'d' * 32}.part"
    planted.write_bytes(b"not cpbatch's to delete")
    return planted


@pytest.mark.usefixtures("umask_022")
async def test_the_store_is_private_to_its_user(tmp_path: Path) -> None:
    root = tmp_path / "data" / "blobs"
    store = FilesystemBlobStore(root)
    stored = await store.put(stream(DATA))
    blob = Path(stored.location)
    for folder in (root, root / "tmp", blob.parent, blob.parent.parent):
        assert mode(folder) == 0o700, folder
    assert mode(blob) == 0o400


@pytest.mark.usefixtures("umask_022")
def test_a_blob_being_written_is_private(tmp_path: Path) -> None:
    temp = TempBlob(tmp_path / "blobs", fsync=False)
    temp.open()
    try:
        assert mode(tmp_path / "blobs" / "tmp" / temp.name) == 0o600
    finally:
        temp.discard()


@pytest.mark.usefixtures("umask_022")
async def test_the_bounded_cache_is_private_too(tmp_path: Path) -> None:
    cache = BoundedFilesystemCache(tmp_path / "cache", max_bytes=10**6)
    stored = await cache.put(stream(DATA))
    assert mode(tmp_path / "cache") == 0o700
    assert mode(Path(stored.location)) == 0o400


@pytest.mark.usefixtures("umask_022")
async def test_exported_copies_are_the_users_own_files(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    stored = await store.put(stream(DATA))
    out = tmp_path / "downloads"
    await store.export(stored.sha256, out / "Org" / "notes.pdf", within=out)
    assert mode(out / "Org") == 0o755
    assert mode(out / "Org" / "notes.pdf") == 0o644


async def test_a_linked_fan_out_folder_is_never_written_read_or_deleted_through(
    tmp_path: Path, elsewhere: Path
) -> None:
    root = tmp_path / "blobs"
    root.mkdir()
    (root / SHA[:2]).symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / SHA[2:4]).mkdir()
    (elsewhere / SHA[2:4] / SHA).write_bytes(DATA)  # looks like the blob, lives elsewhere
    store = FilesystemBlobStore(root)
    with pytest.raises(StorageError, match=f"{root / SHA[:2]} is a symbolic link"):
        await store.put(stream(DATA))
    with pytest.raises(StorageError, match="symbolic link"):
        await store.stat(SHA)
    with pytest.raises(StorageError, match="symbolic link"):
        async for _ in store.read(SHA):
            pass
    with pytest.raises(StorageError, match="symbolic link"):
        await store.delete(SHA)
    assert (elsewhere / SHA[2:4] / SHA).read_bytes() == DATA
    assert [d async for d in store.digests()] == []


async def test_a_linked_temp_folder_is_neither_written_to_nor_swept(
    tmp_path: Path, elsewhere: Path
) -> None:
    root = tmp_path / "blobs"
    root.mkdir()
    (root / "tmp").symlink_to(elsewhere, target_is_directory=True)
    planted = dead_temp(elsewhere)
    store = FilesystemBlobStore(root)
    with pytest.raises(StorageError, match="symbolic link"):
        await store.sweep_temp(max_age_s=0)
    with pytest.raises(StorageError, match="symbolic link"):
        await store.put(stream(DATA))
    assert list(elsewhere.iterdir()) == [planted]


async def test_partial_copies_are_never_swept_in_a_linked_folder(
    tmp_path: Path, elsewhere: Path
) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    stored = await store.put(stream(DATA))
    out = tmp_path / "downloads"
    out.mkdir()
    (out / "Org").symlink_to(elsewhere, target_is_directory=True)
    planted = dead_temp(elsewhere)
    with pytest.raises(StorageError, match="symbolic link"):
        await store.export(stored.sha256, out / "Org" / "notes.pdf", within=out)
    assert list(elsewhere.iterdir()) == [planted]


async def test_a_file_where_a_folder_belongs_is_named(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    stored = await store.put(stream(DATA))
    out = tmp_path / "downloads"
    out.mkdir()
    (out / "Org").write_bytes(b"")
    with pytest.raises(StorageError, match="is a file where cpbatch needs a folder"):
        await store.export(stored.sha256, out / "Org" / "notes.pdf", within=out)
