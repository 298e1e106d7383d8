"""What the storage fixtures hand to the contract suites, beside the port itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

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


@dataclass
class BlobStoreKit:
    store: BlobStore
    leftovers: Callable[[], list[str]]
    """What a failed or cancelled put must not leave behind (temp files, orphan chunks)."""


class MetadataStore(Protocol):
    """An opened metadata store (SqliteDatabase, MongoMetadata): its port classes."""

    file_records: FileRecords
    placements: Placements
    listing_cache: ListingCache
    sync_history: SyncHistory
    credentials: CredentialRepository
    remote_file_ids: RemoteFileIdRepository

    async def close(self) -> None: ...


@dataclass
class MetadataKit:
    open: Callable[[], Awaitable[MetadataStore]]
    """A new handle on the same underlying store (to test that data persists)."""
    opened: list[MetadataStore] = field(default_factory=list)


@dataclass
class CredentialKit:
    open: Callable[[], Awaitable[CredentialRepository]]
    """A new handle on the same underlying store (to test that data persists)."""
    at_rest: Callable[[], bytes]
    """Every byte the store keeps on disk (or on its server) right now, to grep for secrets."""


@dataclass
class RemoteFileIdKit:
    open: Callable[[], Awaitable[RemoteFileIdRepository]]
    """A new handle on the same underlying store (to test that data persists)."""


class WatchStore(Protocol):
    """An opened metadata store's watch ports."""

    subscriptions: Subscriptions
    watch_schedules: WatchSchedules
    delivery_log: DeliveryLog
    watch_preferences: WatchPreferences


@dataclass
class WatchKit:
    open: Callable[[], Awaitable[WatchStore]]
    """A new handle on the same underlying store (to test that data persists)."""
