"""A throwaway database per test on the session's MongoDB server (see mongo_server.py).

Adapters get async handles from `open`; the suites inspect what is stored (leftovers, bytes at
rest, GridFS files and chunks) through a separate synchronous client.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import bson
import pytest
from gridfs import GridFSBucket
from pymongo import AsyncMongoClient, MongoClient
from pymongo.database import Database as SyncDatabase

from cpbatch.adapters.mongo import open_mongo
from cpbatch.adapters.mongo.handles import Database
from support.mongo.server import MongoServer

# The MongoDB case of a fixture parametrized by implementation.
MONGODB = pytest.param("mongodb", marks=pytest.mark.mongo)


@dataclass
class MongoTestDatabase:
    uri: str = field(repr=False)  # holds the password: never printed
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

    def stored_digests(self, bucket: str) -> Counter[str]:
        """The sha256 of each GridFS file's bytes, as pymongo's own GridFS reader returns them
        (it raises CorruptGridFile for a missing or short chunk)."""
        reader = GridFSBucket(self.inspect, bucket_name=bucket)
        return Counter(
            hashlib.sha256(reader.open_download_stream(doc["_id"]).read()).hexdigest()
            for doc in self.inspect[f"{bucket}.files"].find({}, {"_id": 1})
        )

    def incomplete_files(self, bucket: str) -> list[str]:
        """Files whose chunks are not exactly n = 0 .. ceil(length / chunkSize) - 1."""
        chunks = self.inspect[f"{bucket}.chunks"]
        problems = []
        for doc in self.inspect[f"{bucket}.files"].find():
            expected = list(range(math.ceil(doc["length"] / doc["chunkSize"])))
            found = sorted(c["n"] for c in chunks.find({"files_id": doc["_id"]}, {"n": 1}))
            if found != expected:
                problems.append(f"{doc['filename']}: chunks {found}, expected {expected}")
        return problems

    def flip_byte(self, bucket: str, sha256: str, n: int) -> None:
        """Damage chunk `n` of a stored blob in place: its first byte inverted."""
        chunk = self._chunk(bucket, sha256, n)
        data = bytes([chunk["data"][0] ^ 0xFF]) + chunk["data"][1:]
        self.inspect[f"{bucket}.chunks"].update_one({"_id": chunk["_id"]}, {"$set": {"data": data}})

    def delete_chunk(self, bucket: str, sha256: str, n: int) -> None:
        self.inspect[f"{bucket}.chunks"].delete_one({"_id": self._chunk(bucket, sha256, n)["_id"]})

    def _chunk(self, bucket: str, sha256: str, n: int) -> dict[str, Any]:
        file = self.inspect[f"{bucket}.files"].find_one({"metadata.sha256": sha256})
        assert file is not None, f"no blob {sha256} in {bucket}"
        chunk = self.inspect[f"{bucket}.chunks"].find_one({"files_id": file["_id"], "n": n})
        assert chunk is not None, f"blob {sha256} has no chunk {n}"
        return chunk

    def at_rest(self) -> bytes:
        """Every document of every collection, BSON-encoded."""
        return b"".join(
            bson.encode(doc)
            for name in self.inspect.list_collection_names()
            for doc in self.inspect[name].find()
        )


@asynccontextmanager
async def mongo_test_database(server: MongoServer) -> AsyncIterator[MongoTestDatabase]:
    """A fresh database; dropped, and every client closed, afterwards."""
    name = f"cpbatch_test_{uuid.uuid4().hex[:16]}"
    sync_client: MongoClient[dict[str, Any]] = MongoClient(
        server.uri, serverSelectionTimeoutMS=5000
    )
    harness = MongoTestDatabase(server.uri, name, sync_client[name])
    try:
        yield harness
    finally:
        for client in harness._clients:
            with suppress(Exception):
                await client.close()
        with suppress(Exception):
            sync_client.drop_database(name)
        sync_client.close()
