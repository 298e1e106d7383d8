"""The SyncHistory port on MongoDB."""

from __future__ import annotations

import time

from pymongo import DESCENDING

from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import SYNC_RUNS
from cpbatch.domain.models import SyncReport


class MongoSyncHistory:
    """Finished syncs' summaries."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def record_sync(self, report: SyncReport) -> None:
        doc = docs.sync_run_document(report, time.time())
        with mongo_errors("record a sync"):
            await self._handle.collection(SYNC_RUNS).insert_one(doc)

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        """The latest recorded syncs, newest first (of one org when org_code is given)."""
        count = q.whole(limit, "A limit")
        if count <= 0:
            return []
        with mongo_errors("read sync history"):
            cursor = self._handle.collection(SYNC_RUNS).find(
                q.syncs_of(org_code),
                sort=[("finished_at", DESCENDING), ("_id", DESCENDING)],
                limit=count,
            )
            return [docs.sync_report_from_document(doc) for doc in await cursor.to_list()]
