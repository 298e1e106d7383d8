"""Start and stop the application around a piece of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog

from cpbatch.application.use_cases import (
    DownloadBatch,
    GetBatches,
    GetBatchFiles,
    GetFileInfo,
    LookupOrg,
    SyncOrg,
    VerifyStore,
)
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class App:
    """The use cases, resolved once from a running container."""

    container: Container
    lookup_org: LookupOrg
    get_batches: GetBatches
    get_batch_files: GetBatchFiles
    file_info: GetFileInfo
    download_batch: DownloadBatch
    sync_org: SyncOrg
    verify_store: VerifyStore


@asynccontextmanager
async def running(settings: Settings, container: Container | None = None) -> AsyncIterator[App]:
    """The application with its resources (HTTP session, database) open inside the block and
    closed after it, whatever happens. Pass a container to use overridden providers."""
    container = container or Container(settings=settings)
    try:
        await container.init_resources()  # type: ignore[misc]
        # Providers that depend on async resources hand out awaitables.
        yield App(
            container=container,
            lookup_org=await container.lookup_org(),  # type: ignore[misc]
            get_batches=await container.get_batches(),  # type: ignore[misc]
            get_batch_files=await container.get_batch_files(),  # type: ignore[misc]
            file_info=await container.file_info(),  # type: ignore[misc]
            download_batch=await container.download_batch(),  # type: ignore[misc]
            sync_org=await container.sync_org(),  # type: ignore[misc]
            verify_store=await container.verify_store(),  # type: ignore[misc]
        )
    except BaseException:
        try:
            await container.shutdown_resources()  # type: ignore[misc]
        except Exception:
            # After a failed start some resources never opened: the error already on its way
            # out is the one to report, not this one.
            log.warning("shutdown_after_failure", exc_info=True)
        raise
    await container.shutdown_resources()  # type: ignore[misc]
