"""Collecting chunks that belong to no file: left when a process died mid-upload or
mid-delete (a live failure cleans up after itself, see ChunkUpload.abort)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from bson import ObjectId

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.handles import Collection

log = structlog.get_logger(__name__)


def orphan_pipeline(files_collection: str, cutoff: ObjectId) -> list[dict[str, Any]]:
    """Ids of uploads started before `cutoff` (ObjectIds carry their creation time) that have
    chunks but no files document. Young uploads are left alone: they may still be running."""
    return [
        {"$match": {"files_id": {"$lt": cutoff}}},
        {"$group": {"_id": "$files_id"}},
        {
            "$lookup": {
                "from": files_collection,
                "localField": "_id",
                "foreignField": "_id",
                "as": "file",
            }
        },
        {"$match": {"file": {"$size": 0}}},
        {"$project": {"_id": 1}},
    ]


async def sweep_orphan_chunks(files: Collection, chunks: Collection, max_age_s: float) -> int:
    """Delete the orphan chunks of uploads older than max_age_s; return how many uploads."""
    cutoff = ObjectId.from_datetime(datetime.now(UTC) - timedelta(seconds=max_age_s))
    cursor = await chunks.aggregate(orphan_pipeline(files.name, cutoff), allowDiskUse=True)
    orphans = [doc["_id"] async for doc in cursor]
    for file_id in orphans:
        await chunks.delete_many(q.chunks_of(file_id))
    if orphans:
        log.info("orphan_chunks_removed", uploads=len(orphans), bucket=chunks.name)
    return len(orphans)
