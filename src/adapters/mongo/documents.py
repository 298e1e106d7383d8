"""Domain objects <-> the documents the Mongo metadata adapter stores. Pure, no I/O.

Payloads reuse adapters.serialization (the SQLite adapter's JSON shapes), nested as BSON
documents; only the envelope (_id, timestamps, expiry) is Mongo-specific. Reading is strict:
a malformed document raises StorageError naming the field, never the stored values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.mongo import queries as q
from cpbatch.adapters.mongo.handles import Document
from cpbatch.adapters.mongo.indexes import EXPIRES_AT
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import Batch, BatchFile, FileRecord, OrgListing, SyncReport


def record_document(record: FileRecord) -> Document:
    doc = ser.file_record_to_dict(record)
    return {"_id": q.record_key(doc["key"]), **doc}


def record_from_document(doc: object) -> FileRecord:
    return ser.file_record_from_dict(doc)


def org_listing_document(principal: str, listing: OrgListing, retention_s: float) -> Document:
    fetched_at = listing.fetched_at.timestamp()
    return {
        "_id": q.org_listing_id(principal, listing.org.code.value),
        "payload": ser.org_listing_to_dict(listing),
        "fetched_at": fetched_at,
        EXPIRES_AT: expiry(fetched_at, retention_s),
    }


def batch_listing_document(
    principal: str, batch: Batch, files: Sequence[BatchFile], fetched_at: float, retention_s: float
) -> Document:
    return {
        "_id": q.batch_listing_id(principal, batch.org.id, batch.key),
        "payload": ser.batch_files_to_dict(batch, files),
        "fetched_at": fetched_at,
        EXPIRES_AT: expiry(fetched_at, retention_s),
    }


def expiry(fetched_at: float, retention_s: float) -> datetime:
    """When the TTL monitor may delete a cached listing (a BSON date, as TTL indexes need)."""
    return datetime.fromtimestamp(fetched_at + retention_s, UTC)


def fresh_payload(doc: object, max_age_s: float, now: float) -> object | None:
    """The cached payload if it was fetched less than max_age_s before `now`, else None."""
    if doc is None:
        return None
    if not isinstance(doc, Mapping):
        raise StorageError("A cached listing is malformed: expected an object.")
    fetched_at = doc.get("fetched_at")
    if isinstance(fetched_at, bool) or not isinstance(fetched_at, int | float):
        raise StorageError("A cached listing is malformed: its fetch time is not a number.")
    if now - fetched_at >= max_age_s:
        return None
    if doc.get("payload") is None:
        raise StorageError("A cached listing is malformed: 'payload' is missing.")
    payload: object = doc["payload"]
    return payload


def sync_run_document(report: SyncReport, finished_at: float) -> Document:
    return {
        "org_code": report.org.code.value,
        "finished_at": finished_at,
        "report": ser.sync_report_to_dict(report),
    }


def sync_report_from_document(doc: object) -> SyncReport:
    if not isinstance(doc, Mapping):
        raise StorageError("A stored sync report is malformed: expected an object.")
    return ser.sync_report_from_dict(doc.get("report"))


def credential_document(user_id: int, org_code: str, ciphertext: bytes, now: float) -> Document:
    key = q.credential_id(user_id, org_code)
    return {"_id": key, **key, "ciphertext": bytes(ciphertext), "updated_at": now}


def ciphertext_from_document(doc: object) -> bytes:
    value = doc.get("ciphertext") if isinstance(doc, Mapping) else None
    if not isinstance(value, bytes):
        raise StorageError("A stored credential is malformed: it is not binary data.")
    return value


def org_code_from_document(doc: object) -> str:
    value = doc.get("org_code") if isinstance(doc, Mapping) else None
    if not isinstance(value, str):
        raise StorageError("A stored credential is malformed: its organization code is not text.")
    return value


def remote_file_id_document(sha256: str, part: int, remote_id: str, now: float) -> Document:
    return {"_id": q.remote_file_id(sha256, part), "remote_id": remote_id, "saved_at": now}


def remote_id_from_document(doc: object) -> str:
    value = doc.get("remote_id") if isinstance(doc, Mapping) else None
    if not isinstance(value, str):
        raise StorageError("A stored remote file id is malformed: it is not text.")
    return value
