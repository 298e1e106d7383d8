"""The DeliveryLog port on MongoDB: one document per (user, file id, version)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import WATCH_DELIVERIES
from cpbatch.domain.errors import StorageError
from cpbatch.domain.watch import Delivery, DeliveryState

_PENDING = DeliveryState.PENDING.value


class MongoDeliveryLog:
    """Every write is acknowledged when it returns (the intent before a send included)."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def entries(self, user_id: int, file_ids: Sequence[int]) -> list[Delivery]:
        user = q.whole(user_id, "A chat user id")
        ids = [q.whole(i, "A file id") for i in dict.fromkeys(file_ids)]
        found: list[Delivery] = []
        with mongo_errors("read the delivery log"):
            for start in range(0, len(ids), q.KEYS_PER_QUERY):
                chunk = ids[start : start + q.KEYS_PER_QUERY]
                where = {"user_id": {"$eq": user}, "file_id": {"$in": chunk}}
                cursor = self._handle.collection(WATCH_DELIVERIES).find(where)
                found += [_delivery(doc) async for doc in cursor]
        return found

    async def record(
        self, user_id: int, items: Sequence[tuple[int, str]], state: DeliveryState
    ) -> None:
        now = time.time()
        writes = [
            UpdateOne(
                q.by_id(_key(user_id, file_id, version)),
                {"$setOnInsert": _document(user_id, file_id, version, state.value, 0, now)},
                upsert=True,
            )
            for file_id, version in items
        ]
        if not writes:
            return
        with mongo_errors("write the delivery log"):
            await self._handle.collection(WATCH_DELIVERIES).bulk_write(writes, ordered=False)

    async def begin(self, user_id: int, file_id: int, version: str) -> Delivery:
        key = _key(user_id, file_id, version)
        log = self._handle.collection(WATCH_DELIVERIES)
        with mongo_errors("write the delivery log"):
            doc = await log.find_one_and_update(
                {"_id": {"$eq": key}, "state": {"$eq": _PENDING}},
                {"$inc": {"attempts": 1}, "$set": {"updated_at": time.time()}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                try:
                    doc = _document(user_id, file_id, version, _PENDING, 1, time.time())
                    await log.insert_one(doc)
                except DuplicateKeyError:  # settled already: left as it is
                    doc = await log.find_one(q.by_id(key))
        return _delivery(doc)

    async def complete(
        self, user_id: int, file_id: int, version: str, state: DeliveryState, message_id: int | None
    ) -> None:
        where = {"_id": {"$eq": _key(user_id, file_id, version)}, "state": {"$eq": _PENDING}}
        change = {"state": state.value, "message_id": message_id, "updated_at": time.time()}
        with mongo_errors("settle a delivery"):
            await self._handle.collection(WATCH_DELIVERIES).update_one(where, {"$set": change})


def _key(user_id: int, file_id: int, version: str) -> str:
    user, file = q.whole(user_id, "A chat user id"), q.whole(file_id, "A file id")
    return f"{user}:{file}:{q.text(version, 'A file version')}"


def _document(
    user_id: int, file_id: int, version: str, state: str, attempts: int, now: float
) -> dict[str, Any]:
    return {
        "_id": _key(user_id, file_id, version),
        "user_id": user_id,
        "file_id": file_id,
        "version": version,
        "state": state,
        "message_id": None,
        "attempts": attempts,
        "updated_at": now,
    }


def _delivery(doc: Mapping[str, Any] | None) -> Delivery:
    try:
        assert doc is not None
        message_id = doc.get("message_id")
        return Delivery(
            user_id=int(doc["user_id"]),
            file_id=int(doc["file_id"]),
            version=str(doc["version"]),
            state=DeliveryState(doc["state"]),
            message_id=None if message_id is None else int(message_id),
            attempts=int(doc["attempts"]),
        )
    except (AssertionError, KeyError, TypeError, ValueError):
        raise StorageError("A stored delivery is malformed.") from None
