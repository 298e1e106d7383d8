"""Which storage backs the application: the embedded default (files + SQLite under DATA_DIR),
or MongoDB when MONGODB_URI is set (GridFS as the store of record, a bounded filesystem cache in
front of it). Exactly one of them is opened, and closed at shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from cpbatch.adapters.filesystem.blob_store import FilesystemBlobStore
from cpbatch.adapters.filesystem.private_folder import ensure_private_folder
from cpbatch.adapters.sqlite import SqliteDatabase
from cpbatch.application.ports import (
    BlobStore,
    CredentialRepository,
    FileRecords,
    ListingCache,
    Placements,
    RemoteFileIdRepository,
    SyncHistory,
)
from cpbatch.application.ports.watch import (
    DeliveryLog,
    Subscriptions,
    WatchPreferences,
    WatchSchedules,
)
from cpbatch.entrypoints.config import MIB, Settings


@dataclass(frozen=True)
class Storage:
    file_records: FileRecords
    placements: Placements
    listing_cache: ListingCache
    sync_history: SyncHistory
    credentials: CredentialRepository
    remote_file_ids: RemoteFileIdRepository
    subscriptions: Subscriptions
    watch_schedules: WatchSchedules
    delivery_log: DeliveryLog
    watch_preferences: WatchPreferences
    tiers: tuple[BlobStore, ...]  # fastest first; the last is the store of record
    ping: Callable[[], Awaitable[object]]  # a cheap round trip, for the health endpoint
    kind: str
    # A sync into a folder also keeps each file in the store of record: only where that store
    # is not on this disk (GridFS), so the embedded store never holds a second copy.
    keeps_sync_copies: bool = False


async def open_storage(settings: Settings) -> AsyncIterator[Storage]:
    if settings.mongodb_uri:
        async for storage in _mongodb(settings):
            yield storage
    else:
        async for storage in _embedded(settings):
            yield storage


async def _embedded(settings: Settings) -> AsyncIterator[Storage]:
    await asyncio.to_thread(ensure_private_folder, settings.data_dir)
    db = await SqliteDatabase.open(settings.metadata_path)
    try:
        yield Storage(
            file_records=db.file_records,
            placements=db.placements,
            listing_cache=db.listing_cache,
            sync_history=db.sync_history,
            credentials=db.credentials,
            remote_file_ids=db.remote_file_ids,
            subscriptions=db.subscriptions,
            watch_schedules=db.watch_schedules,
            delivery_log=db.delivery_log,
            watch_preferences=db.watch_preferences,
            tiers=(FilesystemBlobStore(settings.blob_dir),),
            ping=lambda: db.file_records.get_records(["health-check"]),
            kind="embedded",
        )
    finally:
        await db.close()


async def _mongodb(settings: Settings) -> AsyncIterator[Storage]:
    # Imported only when MongoDB is configured: the embedded default never loads pymongo.
    from cpbatch.adapters.filesystem.bounded_cache import BoundedFilesystemCache
    from cpbatch.adapters.mongo import GridFSBlobStore, MongoMetadata, open_mongo

    assert settings.mongodb_uri is not None
    client, database = await open_mongo(
        settings.mongodb_uri,
        settings.database_name,
        server_selection_timeout_ms=int(settings.mongodb_timeout * 1000),
    )
    try:
        metadata = await MongoMetadata.open(database)
        gridfs = GridFSBlobStore(database)
        await gridfs.ensure_indexes()
        # Only the cache lives on disk here: DATA_DIR itself is not needed unless it holds it.
        await asyncio.to_thread(ensure_private_folder, settings.cache_dir or settings.data_dir)
        cache = BoundedFilesystemCache(
            settings.cache_dir or settings.data_dir / "cache",
            max_bytes=settings.cache_max_mb * MIB,
        )
        yield Storage(
            file_records=metadata.file_records,
            placements=metadata.placements,
            listing_cache=metadata.listing_cache,
            sync_history=metadata.sync_history,
            credentials=metadata.credentials,
            remote_file_ids=metadata.remote_file_ids,
            subscriptions=metadata.subscriptions,
            watch_schedules=metadata.watch_schedules,
            delivery_log=metadata.delivery_log,
            watch_preferences=metadata.watch_preferences,
            tiers=(cache, gridfs),
            ping=lambda: metadata.file_records.get_records(["health-check"]),  # errors mapped
            kind="mongodb",
            keeps_sync_copies=True,
        )
    finally:
        await client.close()
