"""Listing every batch of a sync: a batch that cannot be listed is reported and skipped; a
token that stopped working stops everything, since no other batch could be listed either."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from cpbatch.application.ports import SyncProgress
from cpbatch.application.ports.services import BatchListings
from cpbatch.application.task_groups import first_error, notify
from cpbatch.domain.errors import AuthenticationError, CpbatchError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, BatchFailure, BatchFile

BatchContents = dict[Batch, tuple[BatchFile, ...]]


async def list_batches(
    listings: BatchListings,
    token: AccessToken,
    batches: Sequence[Batch],
    listener: SyncProgress,
    concurrency: int,
) -> tuple[BatchContents, list[BatchFailure]]:
    limit = asyncio.Semaphore(concurrency)
    failures: list[BatchFailure] = []

    async def one(batch: Batch) -> tuple[BatchFile, ...]:
        try:
            async with limit:
                files = await listings.batch_files(token, batch, force_refresh=True)
        except AuthenticationError:
            raise
        except CpbatchError as error:
            failures.append(BatchFailure(batch.id, batch.name, str(error), error.kind))
            return ()
        notify(listener.batch_listed, batch, len(files))
        return files

    with first_error():
        async with asyncio.TaskGroup() as group:  # an auth failure cancels sibling listings
            tasks = [group.create_task(one(b)) for b in batches]
    return {b: t.result() for b, t in zip(batches, tasks, strict=True)}, failures
