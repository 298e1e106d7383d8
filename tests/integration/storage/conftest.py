"""Fixtures that run the storage contract suites against every adapter of a port.

`blob_store` / `metadata_repo` / `credential_kit` / `remote_file_id_kit` are parametrized by
implementation. The MongoDB params (marked `mongo`) run against a fresh database per test,
dropped after, on the session's MongoDB server (see ../mongo_server.py).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from cpbatch.adapters.filesystem import FilesystemBlobStore
from cpbatch.adapters.filesystem.bounded_cache import BoundedFilesystemCache
from cpbatch.adapters.mongo import GridFSBlobStore, MongoMetadata
from cpbatch.adapters.sqlite import SqliteDatabase
from cpbatch.application.ports import BlobStore, CredentialRepository, RemoteFileIdRepository
from support.mongo.harness import MONGODB, MongoTestDatabase, mongo_test_database
from support.mongo.server import MongoServer
from support.storage_kits import (
    BlobStoreKit,
    CredentialKit,
    MetadataKit,
    MetadataStore,
    RemoteFileIdKit,
    WatchKit,
)

_BLOB_PATH = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/\1\2[0-9a-f]{60}")


GRIDFS_BUCKET = "blobs"


def _server(request: pytest.FixtureRequest) -> MongoServer:
    """Only the MongoDB params ask for the session's server (starting it on first use)."""
    server: MongoServer = request.getfixturevalue("mongo_server")
    return server


def _filesystem_leftovers(root: Path) -> list[str]:
    if not root.exists():
        return []
    paths = (p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir())
    return sorted(p for p in paths if not _BLOB_PATH.fullmatch(p))


@pytest.fixture(params=["filesystem", "bounded-filesystem", MONGODB])
async def blob_kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BlobStoreKit]:
    if request.param == "mongodb":
        async with mongo_test_database(_server(request)) as mongo:
            # Odd, small chunk and batch sizes so several-MiB tests cross many of both.
            gridfs = GridFSBlobStore(
                await mongo.open(), bucket=GRIDFS_BUCKET, chunk_size=65_537, batch_bytes=250_000
            )
            await gridfs.ensure_indexes()
            yield BlobStoreKit(gridfs, lambda: mongo.orphan_chunks(GRIDFS_BUCKET))
        return
    root = tmp_path / "blobs"
    # An odd, small chunk size so several-MiB tests cross many write batches.
    store: BlobStore = FilesystemBlobStore(root, chunk_size=100_003)
    if request.param == "bounded-filesystem":  # a cap no contract test reaches
        store = BoundedFilesystemCache(root, max_bytes=64 * 1024 * 1024, chunk_size=100_003)
    yield BlobStoreKit(store, lambda: _filesystem_leftovers(root))


@pytest.fixture
def blob_store(blob_kit: BlobStoreKit) -> BlobStore:
    return blob_kit.store


@pytest.fixture(params=["sqlite", MONGODB])
async def metadata_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[MetadataKit]:
    if request.param == "mongodb":
        async with _mongo_opener(_server(request)) as (open_mongo_repo, _):
            yield MetadataKit(open_mongo_repo)
        return
    path = tmp_path / "state" / "metadata.sqlite3"

    async def open_sqlite() -> MetadataStore:
        repo = await SqliteDatabase.open(path)
        kit.opened.append(repo)
        return repo

    kit = MetadataKit(open_sqlite)
    yield kit
    for repo in kit.opened:
        await repo.close()


@pytest.fixture
async def metadata_store(metadata_kit: MetadataKit) -> MetadataStore:
    return await metadata_kit.open()


@asynccontextmanager
async def _sqlite_opener(
    path: Path,
) -> AsyncIterator[Callable[[], Awaitable[SqliteDatabase]]]:
    """Opens handles on the database at `path`; closes every one of them on exit."""
    opened: list[SqliteDatabase] = []

    async def open_sqlite() -> SqliteDatabase:
        repo = await SqliteDatabase.open(path)
        opened.append(repo)
        return repo

    try:
        yield open_sqlite
    finally:
        for repo in opened:
            await repo.close()


@asynccontextmanager
async def _mongo_opener(
    server: MongoServer,
) -> AsyncIterator[tuple[Callable[[], Awaitable[MongoMetadata]], MongoTestDatabase]]:
    """Opens handles (each on its own client) on one fresh test database, dropped on exit."""
    async with mongo_test_database(server) as mongo:
        opened: list[MongoMetadata] = []

        async def open_mongo_repo() -> MongoMetadata:
            repo = await MongoMetadata.open(await mongo.open())
            opened.append(repo)
            return repo

        try:
            yield open_mongo_repo, mongo
        finally:
            for repo in opened:
                await repo.close()


def _sqlite_files_bytes(path: Path) -> bytes:
    """The database file and its -wal and -shm companions, as they are on disk now."""
    files = (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
    return b"".join(f.read_bytes() for f in files if f.exists())


@pytest.fixture(params=["sqlite", MONGODB])
async def credential_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[CredentialKit]:
    if request.param == "mongodb":
        async with _mongo_opener(_server(request)) as (open_mongo_repo, mongo):
            yield CredentialKit(_credentials_of(open_mongo_repo), mongo.at_rest)
        return
    path = tmp_path / "state" / "metadata.sqlite3"
    async with _sqlite_opener(path) as open_sqlite:
        yield CredentialKit(_credentials_of(open_sqlite), lambda: _sqlite_files_bytes(path))


@pytest.fixture(params=["sqlite", MONGODB])
async def remote_file_id_kit(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[RemoteFileIdKit]:
    if request.param == "mongodb":
        async with _mongo_opener(_server(request)) as (open_mongo_repo, _):
            yield RemoteFileIdKit(_remote_ids_of(open_mongo_repo))
        return
    async with _sqlite_opener(tmp_path / "state" / "metadata.sqlite3") as open_sqlite:
        yield RemoteFileIdKit(_remote_ids_of(open_sqlite))


@pytest.fixture(params=["sqlite", MONGODB])
async def watch_kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[WatchKit]:
    if request.param == "mongodb":
        async with _mongo_opener(_server(request)) as (open_mongo_repo, _):
            yield WatchKit(open_mongo_repo)
        return
    async with _sqlite_opener(tmp_path / "state" / "metadata.sqlite3") as open_sqlite:
        yield WatchKit(open_sqlite)


def _credentials_of(
    open_store: Callable[[], Awaitable[MetadataStore]],
) -> Callable[[], Awaitable[CredentialRepository]]:
    async def open_credentials() -> CredentialRepository:
        return (await open_store()).credentials

    return open_credentials


def _remote_ids_of(
    open_store: Callable[[], Awaitable[MetadataStore]],
) -> Callable[[], Awaitable[RemoteFileIdRepository]]:
    async def open_remote_ids() -> RemoteFileIdRepository:
        return (await open_store()).remote_file_ids

    return open_remote_ids
