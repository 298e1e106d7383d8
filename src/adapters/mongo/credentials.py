"""The CredentialRepository port on MongoDB."""

from __future__ import annotations

import time

import structlog
from pymongo import ASCENDING

from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.indexes import CREDENTIALS
from cpbatch.domain.errors import ValidationError

log = structlog.get_logger(__name__)


class MongoCredentials:
    """Ciphertext per (chat user id, org code), stored as BSON binary exactly as given: this
    class never sees a key or a plaintext, so nothing it stores or logs can reveal a token.
    Org codes are compared trimmed and lower-cased. Each write is acknowledged on return."""

    def __init__(self, handle: MongoCollections) -> None:
        self._handle = handle

    async def save_credential(self, user_id: int, org_code: str, ciphertext: bytes) -> None:
        if not isinstance(ciphertext, bytes | bytearray | memoryview) or not ciphertext:
            raise ValidationError("A credential to store must be non-empty ciphertext bytes.")
        doc = docs.credential_document(user_id, org_code, bytes(ciphertext), time.time())
        await self._handle.upsert(CREDENTIALS, doc, doing="save a credential")
        log.debug("credential_saved", user_id=user_id, org_code=doc["org_code"])

    async def load_credential(self, user_id: int, org_code: str) -> bytes | None:
        credential_filter = q.credentials_of(user_id, org_code)
        with mongo_errors("read a credential"):
            doc = await self._handle.collection(CREDENTIALS).find_one(credential_filter)
        return None if doc is None else docs.ciphertext_from_document(doc)

    async def delete_credentials(self, user_id: int, org_code: str | None = None) -> int:
        credential_filter = q.credentials_of(user_id, org_code)
        with mongo_errors("delete credentials"):
            result = await self._handle.collection(CREDENTIALS).delete_many(credential_filter)
        log.debug("credentials_deleted", user_id=user_id, count=result.deleted_count)
        return result.deleted_count

    async def credential_orgs(self, user_id: int) -> list[str]:
        user_filter = q.credentials_of(user_id)
        with mongo_errors("list credentials"):
            cursor = self._handle.collection(CREDENTIALS).find(
                user_filter, {"org_code": 1}, sort=[("org_code", ASCENDING)]
            )
            return [docs.org_code_from_document(doc) async for doc in cursor]
