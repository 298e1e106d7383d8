"""The application as the real container wires it, with the fakes in place of the adapters:
unit tests resolve use cases from here, never from a parallel hand-wiring."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dependency_injector import providers

from cpbatch.application.blob_cache import MemoryBlobCache, TieredBlobStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.use_cases import (
    DownloadBatch,
    GetBatches,
    GetBatchFiles,
    GetFileInfo,
    LookupOrg,
    ReadFile,
    SyncOrg,
    VerifyStore,
)
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container
from cpbatch.entrypoints.storage import Storage
from support.fakes import (
    FakeClassPlus,
    FakeClock,
    InMemoryBlobStore,
    InMemoryCredentialRepository,
    InMemoryMetadata,
    InMemoryRemoteFileIds,
)
from support.fakes.watch import (
    InMemoryDeliveryLog,
    InMemorySubscriptions,
    InMemoryWatchPreferences,
    InMemoryWatchSchedules,
)


@dataclass
class WatchStores:
    """The watch ports' fakes: hand them to build_services again to "restart" over them."""

    subscriptions: InMemorySubscriptions
    schedules: InMemoryWatchSchedules
    deliveries: InMemoryDeliveryLog
    preferences: InMemoryWatchPreferences

    @classmethod
    def empty(cls) -> WatchStores:
        return cls(
            InMemorySubscriptions(),
            InMemoryWatchSchedules(),
            InMemoryDeliveryLog(),
            InMemoryWatchPreferences(),
        )


@dataclass
class Services:
    """The container over fakes, and the fakes themselves to arrange and inspect."""

    container: Container
    gateway: FakeClassPlus
    store: InMemoryBlobStore  # the store of record
    repository: InMemoryMetadata
    credentials: InMemoryCredentialRepository
    remote_ids: InMemoryRemoteFileIds
    clock: FakeClock
    watch: WatchStores

    @property
    def blobs(self) -> TieredBlobStore:
        return self._get(self.container.blobs)

    @property
    def listings(self) -> ListingService:
        return self._get(self.container.listings)

    @property
    def fetcher(self) -> FileFetcher:
        return self._get(self.container.fetcher)

    def lookup_org(self) -> LookupOrg:
        return self._get(self.container.lookup_org)

    def get_batches(self) -> GetBatches:
        return self._get(self.container.get_batches)

    def get_batch_files(self) -> GetBatchFiles:
        return self._get(self.container.get_batch_files)

    def file_info(self) -> GetFileInfo:
        return self._get(self.container.file_info)

    def download_batch(self) -> DownloadBatch:
        return self._get(self.container.download_batch)

    def read_file(self) -> ReadFile:
        return self._get(self.container.read_file)

    def sync_org(self, **options: object) -> SyncOrg:
        """`options` replace the container's (e.g. keep_copies=True, as with GridFS)."""
        return self._get(lambda: self.container.sync_org(**options))

    def verify_store(self) -> VerifyStore:
        return self._get(self.container.verify_store)

    @staticmethod
    def _get(provider: Callable[[], Any]) -> Any:
        # Every resource is overridden with a plain object, so nothing here is awaitable
        return provider()


def build_services(
    gateway: FakeClassPlus,
    *,
    tiers: Sequence[InMemoryBlobStore] | None = None,
    memory: MemoryBlobCache | None = None,
    ttl_s: float = 300.0,
    data_dir: Path | None = None,
    watch: WatchStores | None = None,
    clock: FakeClock | None = None,
    settings: dict[str, Any] | None = None,
) -> Services:
    """`tiers` fastest first (the last is the store of record); default: one "filesystem"."""
    stores = tuple(tiers) if tiers else (InMemoryBlobStore("filesystem"),)
    clock = clock or FakeClock()
    watch = watch or WatchStores.empty()
    metadata = InMemoryMetadata(clock)
    credentials, remote_ids = InMemoryCredentialRepository(), InMemoryRemoteFileIds()
    storage = Storage(
        file_records=metadata,
        placements=metadata,
        listing_cache=metadata,
        sync_history=metadata,
        credentials=credentials,
        remote_file_ids=remote_ids,
        subscriptions=watch.subscriptions,
        watch_schedules=watch.schedules,
        delivery_log=watch.deliveries,
        watch_preferences=watch.preferences,
        tiers=stores,
        ping=lambda: metadata.get_records([]),
        kind="memory",
    )
    chosen = Settings(cache_ttl=ttl_s, **(settings or {}))
    if data_dir is not None:
        chosen = replace(chosen, data_dir=data_dir)
    container = Container(settings=chosen)
    container.gateway.override(providers.Object(gateway))
    container.storage.override(providers.Object(storage))
    container.memory.override(providers.Object(memory))
    container.clock.override(providers.Object(clock))
    container.wall_clock.override(providers.Object(clock))
    return Services(container, gateway, stores[-1], metadata, credentials, remote_ids, clock, watch)
