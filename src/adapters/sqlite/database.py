"""The embedded metadata store: one SQLite file, one connection thread, and the small port
classes that share it (file records, listing cache, sync history, the bot's credentials,
remote file ids, and watching: subscriptions, schedules, the delivery log, quiet hours)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

import structlog

from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.credentials import SqliteCredentials
from cpbatch.adapters.sqlite.delivery_log import SqliteDeliveryLog
from cpbatch.adapters.sqlite.file_records import SqliteFileRecords
from cpbatch.adapters.sqlite.listing_cache import SqliteListingCache
from cpbatch.adapters.sqlite.migrations import migrate
from cpbatch.adapters.sqlite.placements import SqlitePlacements
from cpbatch.adapters.sqlite.remote_file_ids import SqliteRemoteFileIds
from cpbatch.adapters.sqlite.sync_history import SqliteSyncHistory
from cpbatch.adapters.sqlite.watch_schedules import SqliteWatchSchedules
from cpbatch.adapters.sqlite.watch_subscriptions import SqliteSubscriptions, SqliteWatchPreferences

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


class SqliteDatabase:
    """Open with `await SqliteDatabase.open(path)` (usable as `async with`), and
    `await db.close()` (idempotent). Opening creates the file (mode 0o600) and applies
    pending schema migrations; a database from a newer cpbatch is refused with StorageError.
    All SQL runs in one dedicated thread (WAL, synchronous=NORMAL): a returned write survives
    a crash of the process; a power cut may lose the last moments of writes. Every failure,
    including a malformed stored row, raises StorageError."""

    def __init__(self, path: Path) -> None:
        """No I/O here: use `open`."""
        self._thread = SqliteThread(path)
        self.path = self._thread.path
        self.file_records = SqliteFileRecords(self._thread)
        self.placements = SqlitePlacements(self._thread)
        self.listing_cache = SqliteListingCache(self._thread)
        self.sync_history = SqliteSyncHistory(self._thread)
        self.credentials = SqliteCredentials(self._thread)
        self.remote_file_ids = SqliteRemoteFileIds(self._thread)
        self.subscriptions = SqliteSubscriptions(self._thread)
        self.watch_schedules = SqliteWatchSchedules(self._thread)
        self.delivery_log = SqliteDeliveryLog(self._thread)
        self.watch_preferences = SqliteWatchPreferences(self._thread)

    @classmethod
    async def open(cls, path: Path) -> Self:
        db = cls(path)
        try:
            await db._thread.open()
            version = await db._thread.run(migrate, doing="upgrade its schema")
        except BaseException:
            await db.close()
            raise
        log.debug("sqlite_opened", path=str(db.path), schema=version)
        return db

    async def close(self) -> None:
        await self._thread.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


if TYPE_CHECKING:  # mypy proves the classes implement the ports

    def _implements_the_ports(db: SqliteDatabase) -> tuple[object, ...]:
        records: FileRecords = db.file_records
        placed: Placements = db.placements
        cache: ListingCache = db.listing_cache
        history: SyncHistory = db.sync_history
        credentials: CredentialRepository = db.credentials
        remote_ids: RemoteFileIdRepository = db.remote_file_ids
        subscriptions: Subscriptions = db.subscriptions
        schedules: WatchSchedules = db.watch_schedules
        deliveries: DeliveryLog = db.delivery_log
        preferences: WatchPreferences = db.watch_preferences
        watching = (subscriptions, schedules, deliveries, preferences)
        return records, placed, cache, history, credentials, remote_ids, *watching
