"""The Placements port on MongoDB: one document per file a sync wrote, `_id` its path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import PLACEMENTS
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import Placement

PAGE_SIZE = 500


class MongoPlacements:
    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def get_placements(self, paths: Sequence[str]) -> dict[str, Placement]:
        found: dict[str, Placement] = {}
        with mongo_errors("read placements"):
            for paths_filter in q.records_in(paths):
                async for doc in self._handle.collection(PLACEMENTS).find(paths_filter):
                    placement = _placement(doc)
                    found[placement.path] = placement
        return found

    async def save_placement(self, placement: Placement) -> None:
        doc = {"_id": q.record_key(placement.path), **ser.file_record_to_dict(placement.record)}
        await self._handle.upsert(PLACEMENTS, doc, doing="save a placement")

    async def delete_placement(self, path: str) -> None:
        with mongo_errors("delete a placement"):
            await self._handle.collection(PLACEMENTS).delete_one(q.by_id(q.record_key(path)))

    async def placements(self) -> AsyncIterator[Placement]:
        after: str | None = None
        while True:
            with mongo_errors("list placements"):
                cursor = self._handle.collection(PLACEMENTS).find(
                    q.records_after(after), sort=[("_id", 1)], limit=PAGE_SIZE
                )
                page = [_placement(doc) for doc in await cursor.to_list()]
            for placement in page:
                yield placement
            if len(page) < PAGE_SIZE:
                return
            after = page[-1].path


def _placement(doc: dict[str, object]) -> Placement:
    path = doc.get("_id")
    if not isinstance(path, str):
        raise StorageError("A stored placement is malformed: its path is not text.")
    fields = {k: v for k, v in doc.items() if k != "_id"}
    return Placement(path=path, record=ser.file_record_from_dict(fields))
