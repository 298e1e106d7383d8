"""The WatchSchedules port on MongoDB: one document per watched batch."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import WATCH_SCHEDULES
from cpbatch.domain.errors import StorageError
from cpbatch.domain.watch import WatchSchedule

_ORDER = [("next_check_at", ASCENDING), ("_id", ASCENDING)]


class MongoWatchSchedules:
    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def add_schedule(self, schedule: WatchSchedule) -> None:
        # A batch checked already keeps its schedule as it is.
        with mongo_errors("add a check"), contextlib.suppress(DuplicateKeyError):
            await self._handle.collection(WATCH_SCHEDULES).insert_one(_document(schedule))

    async def update_schedule(self, schedule: WatchSchedule) -> bool:
        doc = _document(schedule)
        fields = {k: doc[k] for k in ("next_check_at", "last_check_at", "failures")}
        with mongo_errors("save a check"):
            done = await self._handle.collection(WATCH_SCHEDULES).update_one(
                q.by_id(doc["_id"]), {"$set": fields}
            )
        return done.matched_count == 1

    async def claim_schedule(self, schedule: WatchSchedule, next_check_at: float) -> bool:
        where = {
            **q.by_id(_key(schedule.org_code, schedule.batch_key)),
            "next_check_at": float(schedule.next_check_at),
        }
        with mongo_errors("claim a check"):
            done = await self._handle.collection(WATCH_SCHEDULES).update_one(
                where, {"$set": {"next_check_at": float(next_check_at)}}
            )
        return done.modified_count == 1

    async def delete_schedule(self, org_code: str, batch_key: str) -> None:
        with mongo_errors("delete a check"):
            await self._handle.collection(WATCH_SCHEDULES).delete_one(
                q.by_id(_key(org_code, batch_key))
            )

    async def due_schedules(self, now: float, limit: int) -> list[WatchSchedule]:
        where: dict[str, Any] = {}
        if math.isfinite(now):
            where = {"next_check_at": {"$lte": float(now)}}
        return await self._find(where, limit)

    async def schedules(self) -> list[WatchSchedule]:
        return await self._find({}, 0)

    async def _find(self, where: dict[str, Any], limit: int) -> list[WatchSchedule]:
        with mongo_errors("read checks"):
            cursor = self._handle.collection(WATCH_SCHEDULES).find(where).sort(_ORDER)
            if limit:
                cursor = cursor.limit(limit)
            return [_schedule(doc) async for doc in cursor]


def _key(org_code: str, batch_key: str) -> str:
    return f"{q.org_code(org_code)}:{q.text(batch_key, 'A batch key')}"


def _document(schedule: WatchSchedule) -> dict[str, Any]:
    s = schedule
    return {
        "_id": _key(s.org_code, s.batch_key),
        "org_code": q.org_code(s.org_code),
        "batch_key": s.batch_key,
        "next_check_at": float(s.next_check_at),
        "last_check_at": None if s.last_check_at is None else float(s.last_check_at),
        "failures": q.whole(s.failures, "A failure count"),
    }


def _schedule(doc: Mapping[str, Any]) -> WatchSchedule:
    try:
        last = doc.get("last_check_at")
        return WatchSchedule(
            org_code=str(doc["org_code"]),
            batch_key=str(doc["batch_key"]),
            next_check_at=float(doc["next_check_at"]),
            last_check_at=None if last is None else float(last),
            failures=int(doc["failures"]),
        )
    except (KeyError, TypeError, ValueError):
        raise StorageError("A stored watch schedule is malformed.") from None
