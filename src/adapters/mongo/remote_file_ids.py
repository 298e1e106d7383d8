"""The RemoteFileIdRepository port on MongoDB."""

from __future__ import annotations

import time

from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import REMOTE_FILE_IDS
from cpbatch.domain.errors import ValidationError


class MongoRemoteFileIds:
    """The chat service's id of each uploaded blob part, keyed by (sha256, part). Saving a
    key again replaces its id; each write is acknowledged when it returns."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def load_remote_file_id(self, sha256: str, part: int = 0) -> str | None:
        id_filter = q.by_id(q.remote_file_id(sha256, part))
        with mongo_errors("read a remote file id"):
            doc = await self._handle.collection(REMOTE_FILE_IDS).find_one(id_filter)
        return None if doc is None else docs.remote_id_from_document(doc)

    async def save_remote_file_id(self, sha256: str, remote_id: str, part: int = 0) -> None:
        if not isinstance(remote_id, str) or not remote_id:
            raise ValidationError("A remote file id must be non-empty text.")
        doc = docs.remote_file_id_document(sha256, part, remote_id, time.time())
        await self._handle.upsert(REMOTE_FILE_IDS, doc, doing="save a remote file id")
