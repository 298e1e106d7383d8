"""The MongoDB metadata store: one database handle and the small port classes that share it
(file records, listing cache, sync history, the bot's credentials, remote file ids, and
watching: subscriptions, schedules, the delivery log, quiet hours)."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

import structlog

from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.credentials import MongoCredentials
from cpbatch.adapters.mongo.delivery_log import MongoDeliveryLog
from cpbatch.adapters.mongo.file_records import MongoFileRecords
from cpbatch.adapters.mongo.handles import Database
from cpbatch.adapters.mongo.listing_cache import DEFAULT_LISTING_RETENTION_S, MongoListingCache
from cpbatch.adapters.mongo.placements import MongoPlacements
from cpbatch.adapters.mongo.remote_file_ids import MongoRemoteFileIds
from cpbatch.adapters.mongo.sync_history import MongoSyncHistory
from cpbatch.adapters.mongo.watch_schedules import MongoWatchSchedules
from cpbatch.adapters.mongo.watch_subscriptions import MongoSubscriptions, MongoWatchPreferences

if TYPE_CHECKING:
    from cpbatch.application.ports import (
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

log = structlog.get_logger(__name__)


class MongoMetadata:
    """Same semantics as SqliteDatabase: writes are upserts acknowledged by the server
    (durable as the client's write concern makes them) when they return. `close` is
    idempotent and leaves the client open: the client belongs to whoever opened it. Every
    failure, including a malformed stored document, raises StorageError; a key or id of the
    wrong type raises ValidationError before any query is sent."""

    def __init__(
        self, db: Database, *, listing_retention_s: float = DEFAULT_LISTING_RETENTION_S
    ) -> None:
        """No I/O here: use `open`, or call `ensure_indexes` once."""
        self._handle = MongoCollections(db)
        self.file_records = MongoFileRecords(self._handle)
        self.placements = MongoPlacements(self._handle)
        self.listing_cache = MongoListingCache(self._handle, retention_s=listing_retention_s)
        self.sync_history = MongoSyncHistory(self._handle)
        self.credentials = MongoCredentials(self._handle)
        self.remote_file_ids = MongoRemoteFileIds(self._handle)
        self.subscriptions = MongoSubscriptions(self._handle)
        self.watch_schedules = MongoWatchSchedules(self._handle)
        self.delivery_log = MongoDeliveryLog(self._handle)
        self.watch_preferences = MongoWatchPreferences(self._handle)

    @classmethod
    async def open(
        cls, db: Database, *, listing_retention_s: float = DEFAULT_LISTING_RETENTION_S
    ) -> Self:
        metadata = cls(db, listing_retention_s=listing_retention_s)
        await metadata.ensure_indexes()
        log.debug("mongo_metadata_opened", database=db.name)
        return metadata

    @property
    def database_name(self) -> str:
        return self._handle.database_name

    async def ensure_indexes(self) -> None:
        await self._handle.ensure_indexes()

    async def close(self) -> None:
        await self._handle.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


if TYPE_CHECKING:  # mypy proves the classes implement the ports

    def _implements_the_ports(metadata: MongoMetadata) -> tuple[object, ...]:
        records: FileRecords = metadata.file_records
        placed: Placements = metadata.placements
        cache: ListingCache = metadata.listing_cache
        history: SyncHistory = metadata.sync_history
        credentials: CredentialRepository = metadata.credentials
        remote_ids: RemoteFileIdRepository = metadata.remote_file_ids
        subscriptions: Subscriptions = metadata.subscriptions
        schedules: WatchSchedules = metadata.watch_schedules
        deliveries: DeliveryLog = metadata.delivery_log
        preferences: WatchPreferences = metadata.watch_preferences
        watching = (subscriptions, schedules, deliveries, preferences)
        return records, placed, cache, history, credentials, remote_ids, *watching
