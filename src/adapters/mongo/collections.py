"""The database handle the Mongo port classes share: its indexes, closing, upserts."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from pymongo.errors import DuplicateKeyError

from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.handles import Collection, Database, Document
from cpbatch.adapters.mongo.indexes import ensure, metadata_indexes
from cpbatch.domain.errors import StorageError


class MongoCollections:
    """Owns no client: `close` only stops this handle from being used (idempotent)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._closed = False

    @property
    def database_name(self) -> str:
        return self._db.name

    async def ensure_indexes(self) -> None:
        """Create the collections' indexes if missing (idempotent)."""
        self._check_open()
        with mongo_errors("prepare its collections"):
            await ensure(self._db, metadata_indexes())

    async def close(self) -> None:
        self._closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"The MongoDB metadata store '{self._db.name}' is closed.")

    def collection(self, name: str) -> Collection:
        self._check_open()
        return self._db[name]

    async def upsert(self, collection: str, doc: Document, *, doing: str) -> None:
        """Insert or replace the document with doc's `_id` (acknowledged when it returns).

        Two concurrent upserts of a new _id can both try to insert; the loser gets a
        duplicate key error and simply replaces the winner's document on the retry."""
        target = self.collection(collection)
        with mongo_errors(doing):
            try:
                await target.replace_one(q.by_id(doc["_id"]), doc, upsert=True)
            except DuplicateKeyError:
                await target.replace_one(q.by_id(doc["_id"]), doc, upsert=True)
