"""The ListingCache port on MongoDB."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import BATCH_LISTINGS, ORG_LISTINGS
from cpbatch.domain.models import Batch, BatchFile, OrgListing

T = TypeVar("T")
# Longer than the longest CACHE_TTL settings accept (30 days), so the TTL monitor never
# removes a listing a reader could still accept.
DEFAULT_LISTING_RETENTION_S = 31 * 86400.0


class MongoListingCache:
    """Listings per principal, returned only while younger than max_age_s (checked on every
    read); a TTL index also removes them `retention_s` after their fetch."""

    def __init__(
        self, handle: MongoCollections, *, retention_s: float = DEFAULT_LISTING_RETENTION_S
    ) -> None:
        self._handle = handle
        self._retention_s = retention_s

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        listing_id = q.org_listing_id(principal, org_code)
        return await self._load_cached(
            ORG_LISTINGS, listing_id, max_age_s, ser.org_listing_from_dict
        )

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        doc = docs.org_listing_document(principal, listing, self._retention_s)
        await self._handle.upsert(ORG_LISTINGS, doc, doing="cache a listing")

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        def files_of(payload: object) -> list[BatchFile]:
            return ser.batch_files_from_dict(payload, batch)[1]

        listing_id = q.batch_listing_id(principal, batch.org.id, batch.key)
        return await self._load_cached(BATCH_LISTINGS, listing_id, max_age_s, files_of)

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        doc = docs.batch_listing_document(principal, batch, files, time.time(), self._retention_s)
        await self._handle.upsert(BATCH_LISTINGS, doc, doing="cache a batch listing")

    async def _load_cached(
        self,
        collection: str,
        listing_id: dict[str, object],
        max_age_s: float,
        parse: Callable[[object], T],
    ) -> T | None:
        with mongo_errors("read the listing cache"):
            doc = await self._handle.collection(collection).find_one(q.by_id(listing_id))
        payload = docs.fresh_payload(doc, max_age_s, time.time())
        return None if payload is None else parse(payload)
