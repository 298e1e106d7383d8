"""The FileRecords port on MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import FILE_RECORDS
from cpbatch.domain.models import FileRecord

PAGE_SIZE = 500


class MongoFileRecords:
    """One document per stored file version; writes are acknowledged when they return."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        found: dict[str, FileRecord] = {}
        with mongo_errors("read file records"):
            for keys_filter in q.records_in(keys):
                async for doc in self._handle.collection(FILE_RECORDS).find(keys_filter):
                    record = docs.record_from_document(doc)
                    found[record.key] = record
        return found

    async def save_record(self, record: FileRecord) -> None:
        await self._handle.upsert(
            FILE_RECORDS, docs.record_document(record), doing="save a file record"
        )

    async def delete_record(self, key: str) -> None:
        key_filter = q.by_id(q.record_key(key))
        with mongo_errors("delete a file record"):
            await self._handle.collection(FILE_RECORDS).delete_one(key_filter)

    async def records(self) -> AsyncIterator[FileRecord]:
        """Keyset pages in key order: no server cursor stays open while the caller works."""
        after: str | None = None
        while True:
            with mongo_errors("list file records"):
                cursor = self._handle.collection(FILE_RECORDS).find(
                    q.records_after(after), sort=[("_id", 1)], limit=PAGE_SIZE
                )
                page = [docs.record_from_document(doc) for doc in await cursor.to_list()]
            for record in page:
                yield record
            if len(page) < PAGE_SIZE:
                return
            after = page[-1].key
