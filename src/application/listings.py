"""Per-user listings of orgs, batches and files, cached in memory and in the repository.

Listings are the caller's entitlement: a file is served only if the caller's own listing shows
it, so the cache is keyed by the token's principal and never shared between users.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from cpbatch.application.expiring import ExpiringStore
from cpbatch.application.ports import CoursePlatform, ListingCache
from cpbatch.domain.errors import (
    AuthenticationError,
    BatchFileNotFoundError,
    CpbatchError,
    NotDownloadableError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, OrgListing
from cpbatch.domain.selectors import BatchSelector


class ListingService:
    def __init__(
        self,
        platform: CoursePlatform,
        cache: ListingCache,
        ttl_s: float,
        *,
        memory_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._platform = platform
        self._cache = cache
        self._ttl_s = ttl_s
        self._orgs: ExpiringStore[tuple[str, str], OrgListing] = ExpiringStore(
            ttl_s, clock, max_entries=memory_entries
        )
        self._files: ExpiringStore[tuple[str, str], tuple[BatchFile, ...]] = ExpiringStore(
            ttl_s, clock, max_entries=memory_entries
        )

    async def org_listing(
        self, token: AccessToken, code: OrgCode, *, force_refresh: bool = False
    ) -> OrgListing:
        key = (token.principal, code.value)
        if not force_refresh:
            if (memo := self._orgs.get(key)) is not None:
                return memo
            # Not memoized: the cache knows when it was fetched and expires it itself.
            stored = await self._cache.load_org_listing(token.principal, code.value, self._ttl_s)
            if stored is not None:
                return stored
        org = await self._platform.lookup_org(code)
        batches = await self._platform.list_batches(org, token)
        listing = OrgListing(org=org, batches=tuple(batches), fetched_at=datetime.now(UTC))
        await self._cache.save_org_listing(token.principal, listing)
        self._orgs.put(key, listing)
        return listing

    async def batch_files(
        self, token: AccessToken, batch: Batch, *, force_refresh: bool = False
    ) -> tuple[BatchFile, ...]:
        """Raises NotDownloadableError for a batch whose access expired (even when its files
        were listed, and cached, before it did)."""
        if (reason := batch.why_not_downloadable) is not None:
            raise NotDownloadableError(f"{batch.name} ({batch.key}) is {reason}.")
        key = (token.principal, f"{batch.org.id}/{batch.key}")
        if not force_refresh:
            if (memo := self._files.get(key)) is not None:
                return memo
            # Not memoized: the cache knows when it was fetched and expires it itself.
            stored = await self._cache.load_batch_files(token.principal, batch, self._ttl_s)
            if stored is not None:
                return tuple(stored)
        files = tuple(await self._platform.list_files(batch, token))
        await self._cache.save_batch_files(token.principal, batch, files)
        self._files.put(key, files)
        return files

    async def find_file(
        self,
        token: AccessToken,
        code: OrgCode,
        file_id: int,
        selector: BatchSelector | None = None,
    ) -> tuple[BatchFile, tuple[BatchFile, ...]]:
        """The file with this id in the caller's own listing, and the other items of its batch.

        Raises BatchFileNotFoundError when no batch the caller can open lists it: this is the
        entitlement check, whatever any other user may have stored."""
        listing = await self.org_listing(token, code)
        if selector:
            batches: tuple[Batch, ...] = (selector.pick(listing.batches),)
        else:  # an expired batch holds nothing the caller may have
            batches = tuple(batch for batch in listing.batches if batch.downloadable)
        unlisted: list[CpbatchError] = []
        for batch in batches:
            try:
                files = await self.batch_files(token, batch)
            except AuthenticationError:
                raise
            except CpbatchError as error:  # one batch that cannot be listed hides no other's
                unlisted.append(error)
                continue
            for file in files:
                if file.id == file_id:
                    return file, files
        if unlisted and len(unlisted) == len(batches):
            raise unlisted[0]
        note = f" ({len(unlisted)} batches could not be listed: {unlisted[0]})" if unlisted else ""
        raise BatchFileNotFoundError(
            f"File {file_id} is not in any batch your account can open in {listing.org.name}{note}."
        )
