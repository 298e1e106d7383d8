"""The ListingCache port on the SQLite file."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.rows import execute, load_cached
from cpbatch.domain.models import Batch, BatchFile, OrgListing


class SqliteListingCache:
    """Listings per principal: one user's listing is never returned to another."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        args = (principal, org_code.strip().lower())
        return await load_cached(
            self._thread, sql.SELECT_ORG_LISTING, args, max_age_s, ser.org_listing_from_dict
        )

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        payload = json.dumps(ser.org_listing_to_dict(listing))
        args = (principal, listing.org.code.value, payload, listing.fetched_at.timestamp())
        await execute(self._thread, sql.UPSERT_ORG_LISTING, args, doing="cache a listing")

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        def files_of(doc: object) -> list[BatchFile]:
            return ser.batch_files_from_dict(doc, batch)[1]

        args = (principal, batch.org.id, batch.key)
        return await load_cached(self._thread, sql.SELECT_BATCH_LISTING, args, max_age_s, files_of)

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        payload = json.dumps(ser.batch_files_to_dict(batch, files))
        args = (principal, batch.org.id, batch.key, payload, time.time())
        await execute(self._thread, sql.UPSERT_BATCH_LISTING, args, doing="cache a batch listing")
