"""The composition root: one dependency-injector container built from validated Settings.

Shared clients are Resources with explicit start and shutdown; use cases are Factories. Tests
replace providers with `container.<name>.override(...)`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers

from cpbatch.adapters.classplus.gateway import ClassPlusHttpGateway
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.application.blob_cache import MemoryBlobCache, TieredBlobStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.use_cases import (
    DownloadBatch,
    GetBatches,
    GetBatchFiles,
    GetFileInfo,
    LookupOrg,
    SyncOrg,
    VerifyStore,
)
from cpbatch.entrypoints.config import MIB, Settings
from cpbatch.entrypoints.storage import open_storage


def classplus_settings(settings: Settings) -> ClassPlusSettings:
    return ClassPlusSettings(
        base_url=settings.classplus_base_url,
        timeout_s=settings.api_timeout,
        read_timeout_s=settings.read_timeout,
        min_speed_bytes_s=settings.min_speed,
        min_speed_time_s=settings.min_speed_time,
        max_retries=settings.max_retries,
        backoff_factor=settings.retry_backoff_factor,
        max_backoff_s=settings.retry_max_wait,
        rate_limit_requests=settings.rate_limit_requests,
        rate_limit_period_s=settings.rate_limit_period,
        max_file_size=settings.max_file_size,
        file_hosts=settings.classplus_file_hosts,
        allow_insecure_loopback=settings.classplus_allow_loopback,
    )


async def open_gateway(settings: ClassPlusSettings) -> AsyncIterator[ClassPlusHttpGateway]:
    gateway = ClassPlusHttpGateway(settings)
    try:
        yield gateway
    finally:
        await gateway.close()


def memory_cache(settings: Settings) -> MemoryBlobCache | None:
    if not settings.cache_enabled or settings.memory_cache_mb == 0:
        return None
    return MemoryBlobCache(settings.memory_cache_mb * MIB, settings.memory_cache_item_mb * MIB)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    classplus_settings = providers.Singleton(classplus_settings, settings)
    gateway = providers.Resource(open_gateway, classplus_settings)
    storage = providers.Resource(open_storage, settings)
    metadata = storage.provided.metadata
    memory = providers.Singleton(memory_cache, settings)
    blobs = providers.Singleton(TieredBlobStore, memory, storage.provided.tiers)
    listings = providers.Singleton(ListingService, gateway, metadata, settings.provided.cache_ttl)
    fetcher = providers.Singleton(FileFetcher, gateway, blobs, metadata)

    lookup_org = providers.Factory(LookupOrg, gateway)
    get_batches = providers.Factory(GetBatches, listings)
    get_batch_files = providers.Factory(GetBatchFiles, listings)
    file_info = providers.Factory(GetFileInfo, listings)
    download_batch = providers.Factory(DownloadBatch, listings, blobs, metadata, fetcher)
    sync_org = providers.Factory(SyncOrg, listings, blobs, metadata, fetcher)
    verify_store = providers.Factory(VerifyStore, metadata, blobs.provided.record)
