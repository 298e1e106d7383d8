"""Fixtures that run the storage contract suites against every adapter of a port.

`blob_store` / `metadata_repo` / `credential_kit` / `remote_file_id_kit` are parametrized by
implementation. MongoDB params are listed
now so their skip shows in every run; a later issue plugs the adapters in here.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from storage_kits import BlobStoreKit, CredentialKit, MetadataKit, RemoteFileIdKit

from adapters.filesystem import FilesystemBlobStore
from adapters.sqlite import SqliteMetadataRepository
from application.ports.storage import BlobStore, MetadataRepository

_BLOB_PATH = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/\1\2[0-9a-f]{60}")


def _skip_mongodb() -> None:
    if not os.environ.get("MONGODB_URI"):
        pytest.skip("MONGODB_URI not set: MongoDB/GridFS contract suites skipped")
    pytest.skip("MongoDB adapters not implemented yet")


def _filesystem_leftovers(root: Path) -> list[str]:
    if not root.exists():
        return []
    paths = (p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir())
    return sorted(p for p in paths if not _BLOB_PATH.fullmatch(p))


@pytest.fixture(params=["filesystem", "mongodb"])
def blob_kit(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStoreKit:
    if request.param == "mongodb":
        _skip_mongodb()
    root = tmp_path / "blobs"
    # An odd, small chunk size so several-MiB tests cross many write batches.
    store = FilesystemBlobStore(root, chunk_size=100_003)
    return BlobStoreKit(store, lambda: _filesystem_leftovers(root))


@pytest.fixture
def blob_store(blob_kit: BlobStoreKit) -> BlobStore:
    return blob_kit.store


@pytest.fixture(params=["sqlite", "mongodb"])
async def metadata_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[MetadataKit]:
    if request.param == "mongodb":
        _skip_mongodb()
    path = tmp_path / "state" / "metadata.sqlite3"

    async def open_sqlite() -> MetadataRepository:
        repo = await SqliteMetadataRepository.open(path)
        kit.opened.append(repo)
        return repo

    kit = MetadataKit(open_sqlite)
    yield kit
    for repo in kit.opened:
        await repo.close()


@pytest.fixture
async def metadata_repo(metadata_kit: MetadataKit) -> MetadataRepository:
    return await metadata_kit.open()


@asynccontextmanager
async def _sqlite_opener(
    path: Path,
) -> AsyncIterator[Callable[[], Awaitable[SqliteMetadataRepository]]]:
    """Opens handles on the database at `path`; closes every one of them on exit."""
    opened: list[SqliteMetadataRepository] = []

    async def open_sqlite() -> SqliteMetadataRepository:
        repo = await SqliteMetadataRepository.open(path)
        opened.append(repo)
        return repo

    try:
        yield open_sqlite
    finally:
        for repo in opened:
            await repo.close()


def _sqlite_files_bytes(path: Path) -> bytes:
    """The database file and its -wal and -shm companions, as they are on disk now."""
    files = (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
    return b"".join(f.read_bytes() for f in files if f.exists())


@pytest.fixture(params=["sqlite", "mongodb"])
async def credential_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[CredentialKit]:
    if request.param == "mongodb":
        _skip_mongodb()
    path = tmp_path / "state" / "metadata.sqlite3"
    async with _sqlite_opener(path) as open_sqlite:
        yield CredentialKit(open_sqlite, lambda: _sqlite_files_bytes(path))


@pytest.fixture(params=["sqlite", "mongodb"])
async def remote_file_id_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[RemoteFileIdKit]:
    if request.param == "mongodb":
        _skip_mongodb()
    async with _sqlite_opener(tmp_path / "state" / "metadata.sqlite3") as open_sqlite:
        yield RemoteFileIdKit(open_sqlite)
