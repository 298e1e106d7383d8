"""GetBatchFiles: every item of one batch the caller can open, with where it would land."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from cpbatch.application.ports.services import BatchListings
from cpbatch.domain.errors import BatchFileNotFoundError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org
from cpbatch.domain.naming import plan_relative_paths
from cpbatch.domain.selectors import BatchSelector


@dataclass(frozen=True, slots=True)
class BatchFiles:
    org: Org
    batch: Batch
    files: tuple[BatchFile, ...]
    paths: dict[int, PurePosixPath]  # downloadable file id -> path relative to the output root

    @property
    def downloadable(self) -> tuple[BatchFile, ...]:
        return tuple(f for f in self.files if f.downloadable)


class GetBatchFiles:
    def __init__(self, listings: BatchListings) -> None:
        self._listings = listings

    async def execute(
        self,
        token: AccessToken,
        org_code: str | OrgCode,
        batch: str | int | BatchSelector,
        *,
        force_refresh: bool = False,
    ) -> BatchFiles:
        code = OrgCode.coerce(org_code)
        selector = batch if isinstance(batch, BatchSelector) else BatchSelector.parse(batch)
        # force_refresh re-reads the batch's files; the org's batch list is re-read only when the
        # batch is missing from it, so refreshing N batches costs N listings, not 2N.
        listing = await self._listings.org_listing(token, code)
        try:
            chosen = selector.pick(listing.batches)
        except BatchFileNotFoundError:
            if not force_refresh:
                raise
            listing = await self._listings.org_listing(token, code, force_refresh=True)
            chosen = selector.pick(listing.batches)
        files = await self._listings.batch_files(token, chosen, force_refresh=force_refresh)
        paths = plan_relative_paths(f for f in files if f.downloadable)
        return BatchFiles(org=listing.org, batch=chosen, files=files, paths=paths)
