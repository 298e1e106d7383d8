"""A throwaway MongoDB database per test, for the storage suites (only with MONGODB_URI).

Adapters get async handles from `open_mongo`; the suites' inspection callbacks (leftovers,
bytes at rest) are synchronous, so they read through a separate synchronous client.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import bson
import pytest
from pymongo import AsyncMongoClient, MongoClient
from pymongo.database import Database as SyncDatabase

from adapters.mongo import open_mongo
from adapters.mongo.handles import Database

SKIP_REASON = "MONGODB_URI not set: MongoDB/GridFS contract suites skipped"


def mongodb_uri_or_skip() -> str:
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        pytest.skip(SKIP_REASON)
    return uri


@dataclass
class MongoTestDatabase:
    uri: str
    name: str
    inspect: SyncDatabase[dict[str, Any]]
    _clients: list[AsyncMongoClient[dict[str, Any]]] = field(default_factory=list)

    async def open(self) -> Database:
        """A new client on the test database (a new "handle", like reopening a file)."""
        client, db = await open_mongo(self.uri, self.name, server_selection_timeout_ms=5000)
        self._clients.append(client)
        return db

    def orphan_chunks(self, bucket: str) -> list[str]:
        """Chunks whose files document does not exist (what a failed put must not leave)."""
        file_ids = list(self.inspect[f"{bucket}.files"].distinct("_id"))
        chunks = self.inspect[f"{bucket}.chunks"].find(
            {"files_id": {"$nin": file_ids}}, {"files_id": 1, "n": 1}
        )
        return sorted(f"{bucket}.chunks files_id={c['files_id']} n={c['n']}" for c in chunks)

    def at_rest(self) -> bytes:
        """Every document of every collection, BSON-encoded."""
        return b"".join(
            bson.encode(doc)
            for name in self.inspect.list_collection_names()
            for doc in self.inspect[name].find()
        )


@asynccontextmanager
async def mongo_test_database() -> AsyncIterator[MongoTestDatabase]:
    """Skips without MONGODB_URI; drops the database and closes every client afterwards."""
    uri = mongodb_uri_or_skip()
    name = f"cpbatch_test_{uuid.uuid4().hex[:16]}"
    sync_client: MongoClient[dict[str, Any]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    harness = MongoTestDatabase(uri, name, sync_client[name])
    try:
        yield harness
    finally:
        for client in harness._clients:
            with suppress(Exception):
                await client.close()
        with suppress(Exception):
            sync_client.drop_database(name)
        sync_client.close()
