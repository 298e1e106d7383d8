"""MongoMetadataRepository: the MetadataRepository port on a MongoDB database."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Self, TypeVar

import structlog
from pymongo import DESCENDING

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.mongo import documents as docs
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.collections import MongoCollections
from cpbatch.adapters.mongo.credentials import MongoCredentials
from cpbatch.adapters.mongo.errors import mongo_errors
from cpbatch.adapters.mongo.handles import Database
from cpbatch.adapters.mongo.indexes import (
    BATCH_LISTINGS,
    FILE_RECORDS,
    ORG_LISTINGS,
    SYNC_RUNS,
)
from cpbatch.adapters.mongo.remote_file_ids import MongoRemoteFileIds
from cpbatch.domain.models import Batch, BatchFile, FileRecord, OrgListing, SyncReport

if TYPE_CHECKING:
    from cpbatch.application.ports.credentials import CredentialRepository, RemoteFileIdRepository
    from cpbatch.application.ports.storage import MetadataRepository

log = structlog.get_logger(__name__)
T = TypeVar("T")
PAGE_SIZE = 500
# Longer than the longest CACHE_TTL settings accept (30 days), so the TTL monitor never
# removes a listing a reader could still accept.
DEFAULT_LISTING_RETENTION_S = 31 * 86400.0


class MongoMetadataRepository(MongoCollections, MongoCredentials, MongoRemoteFileIds):
    """File records, the per-user listing cache and sync history in MongoDB; also the bot's
    encrypted credentials and remote file ids (CredentialRepository, RemoteFileIdRepository).

    Same semantics as SqliteMetadataRepository: writes are upserts acknowledged by the server
    (durable as the client's write concern makes them) when they return; cached listings are
    per principal and returned only while younger than max_age_s (checked on every read; a
    TTL index also removes them `listing_retention_s` after their fetch). `close` is
    idempotent and leaves the client open: the client belongs to whoever opened it. Every
    failure, including a malformed stored document, raises StorageError; a key or id of the
    wrong type raises ValidationError before any query is sent.
    """

    def __init__(
        self, db: Database, *, listing_retention_s: float = DEFAULT_LISTING_RETENTION_S
    ) -> None:
        """No I/O here: use `open`, or call `ensure_indexes` once."""
        super().__init__(db)
        self._retention_s = listing_retention_s

    @classmethod
    async def open(
        cls, db: Database, *, listing_retention_s: float = DEFAULT_LISTING_RETENTION_S
    ) -> Self:
        repo = cls(db, listing_retention_s=listing_retention_s)
        await repo.ensure_indexes()
        log.debug("mongo_metadata_opened", database=db.name)
        return repo

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        found: dict[str, FileRecord] = {}
        with mongo_errors("read file records"):
            for keys_filter in q.records_in(keys):
                async for doc in self._collection(FILE_RECORDS).find(keys_filter):
                    record = docs.record_from_document(doc)
                    found[record.key] = record
        return found

    async def save_record(self, record: FileRecord) -> None:
        await self._upsert(FILE_RECORDS, docs.record_document(record), doing="save a file record")

    async def delete_record(self, key: str) -> None:
        key_filter = q.by_id(q.record_key(key))
        with mongo_errors("delete a file record"):
            await self._collection(FILE_RECORDS).delete_one(key_filter)

    async def records(self) -> AsyncIterator[FileRecord]:
        """Keyset pages in key order: no server cursor stays open while the caller works."""
        after: str | None = None
        while True:
            with mongo_errors("list file records"):
                cursor = self._collection(FILE_RECORDS).find(
                    q.records_after(after), sort=[("_id", 1)], limit=PAGE_SIZE
                )
                page = [docs.record_from_document(doc) for doc in await cursor.to_list()]
            for record in page:
                yield record
            if len(page) < PAGE_SIZE:
                return
            after = page[-1].key

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        listing_id = q.org_listing_id(principal, org_code)
        return await self._load_cached(
            ORG_LISTINGS, listing_id, max_age_s, ser.org_listing_from_dict
        )

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        doc = docs.org_listing_document(principal, listing, self._retention_s)
        await self._upsert(ORG_LISTINGS, doc, doing="cache a listing")

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        def files_of(payload: object) -> list[BatchFile]:
            return ser.batch_files_from_dict(payload, batch)[1]

        listing_id = q.batch_listing_id(principal, batch.org.id, batch.key)
        return await self._load_cached(BATCH_LISTINGS, listing_id, max_age_s, files_of)

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        doc = docs.batch_listing_document(principal, batch, files, time.time(), self._retention_s)
        await self._upsert(BATCH_LISTINGS, doc, doing="cache a batch listing")

    async def record_sync(self, report: SyncReport) -> None:
        doc = docs.sync_run_document(report, time.time())
        with mongo_errors("record a sync"):
            await self._collection(SYNC_RUNS).insert_one(doc)

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        """The latest recorded syncs, newest first (of one org when org_code is given).
        Not part of the MetadataRepository port (yet)."""
        count = q.whole(limit, "A limit")
        if count <= 0:
            return []
        with mongo_errors("read sync history"):
            cursor = self._collection(SYNC_RUNS).find(
                q.syncs_of(org_code),
                sort=[("finished_at", DESCENDING), ("_id", DESCENDING)],
                limit=count,
            )
            return [docs.sync_report_from_document(doc) for doc in await cursor.to_list()]

    async def _load_cached(
        self,
        collection: str,
        listing_id: dict[str, object],
        max_age_s: float,
        parse: Callable[[object], T],
    ) -> T | None:
        with mongo_errors("read the listing cache"):
            doc = await self._collection(collection).find_one(q.by_id(listing_id))
        payload = docs.fresh_payload(doc, max_age_s, time.time())
        return None if payload is None else parse(payload)


if TYPE_CHECKING:  # mypy proves the class implements the ports

    def _implements_the_ports(
        repo: MongoMetadataRepository,
    ) -> tuple[MetadataRepository, CredentialRepository, RemoteFileIdRepository]:
        return repo, repo, repo
