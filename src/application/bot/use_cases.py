"""The use cases the conversation drives: the same ones the CLI and the facade use."""

from __future__ import annotations

from dataclasses import dataclass

from cpbatch.application.blob_cache import TieredBlobStore
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.ports import ClassPlusGateway, MetadataRepository
from cpbatch.application.use_cases import (
    DownloadBatch,
    GetBatches,
    GetBatchFiles,
    GetFileInfo,
    LookupOrg,
    SyncOrg,
)


@dataclass(frozen=True, slots=True)
class BotUseCases:
    """Named like the attributes of the entrypoints' `App`, so a composition root can pass
    its resolved use cases straight through."""

    lookup_org: LookupOrg
    get_batches: GetBatches
    get_batch_files: GetBatchFiles
    file_info: GetFileInfo
    download_batch: DownloadBatch
    sync_org: SyncOrg

    @classmethod
    def over(
        cls,
        gateway: ClassPlusGateway,
        listings: ListingService,
        blobs: TieredBlobStore,
        repository: MetadataRepository,
        fetcher: FileFetcher,
    ) -> BotUseCases:
        return cls(
            lookup_org=LookupOrg(gateway),
            get_batches=GetBatches(listings),
            get_batch_files=GetBatchFiles(listings),
            file_info=GetFileInfo(listings),
            download_batch=DownloadBatch(listings, blobs, repository, fetcher),
            sync_org=SyncOrg(listings, blobs, repository, fetcher),
        )
