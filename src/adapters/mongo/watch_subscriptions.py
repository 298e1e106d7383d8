"""The Subscriptions and WatchPreferences ports on MongoDB."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import WATCH_PREFERENCES, WATCH_SUBSCRIPTIONS
from cpbatch.domain.errors import StorageError
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import Subscription, SubscriptionStatus

_ORDER = [("created_at", ASCENDING), ("_id", ASCENDING)]


class MongoSubscriptions:
    """One document per (user, org, batch); saving again keeps the first created_at. Each
    write is acknowledged when it returns."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def save_subscription(self, subscription: Subscription) -> None:
        s = subscription
        key = _key(s.user_id, s.org_code, s.batch_key)
        existing = await self._find({"_id": {"$eq": key}})
        created_at = existing[0].created_at if existing else s.created_at
        doc = {
            "_id": key,
            "user_id": q.whole(s.user_id, "A chat user id"),
            "org_code": q.org_code(s.org_code),
            "batch_key": q.text(s.batch_key, "A batch key"),
            "chat_id": q.whole(s.chat_id, "A chat id"),
            "batch_name": q.text(s.batch_name, "A batch name"),
            "created_at": float(created_at),
            "status": s.status.value,
            "paused_principal": s.paused_principal,
        }
        await self._handle.upsert(WATCH_SUBSCRIPTIONS, doc, doing="save a watch")

    async def update_subscription(self, subscription: Subscription) -> bool:
        s = subscription
        fields = {
            "chat_id": q.whole(s.chat_id, "A chat id"),
            "batch_name": q.text(s.batch_name, "A batch name"),
            "status": s.status.value,
            "paused_principal": s.paused_principal,
        }
        key = _key(s.user_id, s.org_code, s.batch_key)
        with mongo_errors("save a watch"):
            done = await self._handle.collection(WATCH_SUBSCRIPTIONS).update_one(
                q.by_id(key), {"$set": fields}
            )
        return done.matched_count == 1

    async def delete_subscription(self, user_id: int, org_code: str, batch_key: str) -> bool:
        key = _key(user_id, org_code, batch_key)
        with mongo_errors("delete a watch"):
            result = await self._handle.collection(WATCH_SUBSCRIPTIONS).delete_one(q.by_id(key))
        return bool(result.deleted_count)

    async def subscriptions_of(self, user_id: int) -> list[Subscription]:
        return await self._find({"user_id": {"$eq": q.whole(user_id, "A chat user id")}})

    async def subscribers(self, org_code: str, batch_key: str) -> list[Subscription]:
        return await self._find(
            {
                "org_code": {"$eq": q.org_code(org_code)},
                "batch_key": {"$eq": q.text(batch_key, "A batch key")},
            }
        )

    async def _find(self, where: dict[str, Any]) -> list[Subscription]:
        with mongo_errors("read watches"):
            cursor = self._handle.collection(WATCH_SUBSCRIPTIONS).find(where).sort(_ORDER)
            return [_subscription(doc) async for doc in cursor]


class MongoWatchPreferences:
    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def save_quiet_hours(self, user_id: int, quiet: QuietHours | None) -> None:
        key = q.whole(user_id, "A chat user id")
        if quiet is None:
            with mongo_errors("save quiet hours"):
                await self._handle.collection(WATCH_PREFERENCES).delete_one(q.by_id(key))
            return
        doc = {"_id": key, "quiet_start": quiet.start, "quiet_end": quiet.end, "zone": quiet.zone}
        await self._handle.upsert(WATCH_PREFERENCES, doc, doing="save quiet hours")

    async def quiet_hours(self, user_id: int) -> QuietHours | None:
        key = q.whole(user_id, "A chat user id")
        with mongo_errors("read quiet hours"):
            doc = await self._handle.collection(WATCH_PREFERENCES).find_one(q.by_id(key))
        if doc is None:
            return None
        try:
            return QuietHours(int(doc["quiet_start"]), int(doc["quiet_end"]), str(doc["zone"]))
        except (KeyError, TypeError, ValueError):
            raise StorageError("Stored quiet hours are malformed.") from None


def _key(user_id: int, org_code: str, batch_key: str) -> str:
    user = q.whole(user_id, "A chat user id")
    return f"{user}:{q.org_code(org_code)}:{q.text(batch_key, 'A batch key')}"


def _subscription(doc: Mapping[str, Any]) -> Subscription:
    try:
        principal = doc.get("paused_principal")
        return Subscription(
            user_id=int(doc["user_id"]),
            chat_id=int(doc["chat_id"]),
            org_code=str(doc["org_code"]),
            batch_key=str(doc["batch_key"]),
            batch_name=str(doc["batch_name"]),
            created_at=float(doc["created_at"]),
            status=SubscriptionStatus(doc["status"]),
            paused_principal=None if principal is None else str(principal),
        )
    except (KeyError, TypeError, ValueError):
        raise StorageError("A stored watch is malformed.") from None
