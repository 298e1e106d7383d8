"""Documents the Mongo metadata adapter stores survive a real BSON encode/decode round trip
(the bson package, no server), and malformed ones raise StorageError."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import bson
import pytest

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.mongo import documents as docs
from cpbatch.domain.errors import StorageError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    BatchSource,
    FileFailure,
    FileKind,
    FileRecord,
    Org,
    OrgListing,
    SyncReport,
)

WHEN = datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30)))
ORG = Org(OrgCode("learnwell"), 7, "Learn Well ✓")
BATCH = Batch(11, "Batch 11", ORG, BatchSource.COURSE, 3, WHEN)


def through_bson(doc: dict[str, object]) -> dict[str, object]:
    return bson.decode(bson.encode(doc))


def test_a_file_record_round_trips_keyed_by_its_key() -> None:
    record = FileRecord("7/course:11/$gt.x", 2**40, "v1", "ab" * 32, 123, "Ünï.pdf", WHEN)
    doc = through_bson(docs.record_document(record))
    assert doc["_id"] == record.key
    assert docs.record_from_document(doc) == record


def test_an_org_listing_round_trips_with_fetch_time_and_expiry() -> None:
    listing = OrgListing(ORG, (BATCH, Batch(12, "B", ORG, BatchSource.BATCH)), WHEN)
    doc = through_bson(docs.org_listing_document("tok:alice", listing, retention_s=3600))
    assert doc["_id"] == {"principal": "tok:alice", "org_code": "learnwell"}
    assert doc["fetched_at"] == WHEN.timestamp()
    expires = doc["expires_at"]
    assert isinstance(expires, datetime)  # a BSON date: what a TTL index needs
    assert expires.replace(tzinfo=UTC) == (WHEN + timedelta(hours=1)).replace(microsecond=123000)
    payload = docs.fresh_payload(doc, max_age_s=1e12, now=WHEN.timestamp() + 5)
    assert payload is not None
    assert ser.org_listing_from_dict(payload) == listing


def test_a_batch_listing_round_trips() -> None:
    files = [
        BatchFile(1, BATCH, ("Week 1",), "a.pdf", FileKind.DOCUMENT, "v1", "https://x/y?sig=1",
                  "application/pdf", 2048),
        BatchFile(2, BATCH, (), "b", FileKind.VIDEO, "v2", None, None, None, locked=True),
    ]  # fmt: skip
    doc = through_bson(docs.batch_listing_document("tok:bob", BATCH, files, 1000.0, 60))
    assert doc["_id"] == {"principal": "tok:bob", "org_id": 7, "batch_key": "course:11"}
    payload = docs.fresh_payload(doc, 10, now=1005.0)
    assert ser.batch_files_from_dict(payload, BATCH)[1] == files


@pytest.mark.parametrize(
    ("age", "max_age", "fresh"), [(0, 0, False), (5, 10, True), (10, 10, False), (-1, 10, True)]
)
def test_freshness_is_checked_on_read(age: float, max_age: float, fresh: bool) -> None:
    doc = {"payload": {"x": 1}, "fetched_at": 1000.0}
    assert (docs.fresh_payload(doc, max_age, now=1000.0 + age) is not None) is fresh


@pytest.mark.parametrize(
    "doc",
    [
        {"payload": {}, "fetched_at": "yesterday"},
        {"payload": {}, "fetched_at": True},
        {"payload": {}},
        {"fetched_at": 1000.0},
        {"fetched_at": 1000.0, "payload": None},
        ["not", "a", "document"],
    ],
)
def test_a_malformed_cached_listing_raises(doc: object) -> None:
    with pytest.raises(StorageError, match="malformed"):
        docs.fresh_payload(doc, 1e12, now=1000.0)


def test_nothing_cached_is_none() -> None:
    assert docs.fresh_payload(None, 10, now=0) is None


def test_a_sync_report_round_trips() -> None:
    failure = FileFailure(5, "a.pdf", "Batch 11", "the download failed", "download_failed")
    report = SyncReport(ORG, 2, 10, 6, 2, 1, 0, 123456, 4.25, (failure,), 3, 1)
    doc = through_bson(docs.sync_run_document(report, finished_at=99.5))
    assert (doc["org_code"], doc["finished_at"]) == ("learnwell", 99.5)
    assert docs.sync_report_from_document(doc) == report


def test_a_credential_is_binary_ciphertext_as_given() -> None:
    secret = bytes(range(256))
    doc = through_bson(docs.credential_document(42, " LearnWell ", secret, now=1.0))
    assert doc["_id"] == {"user_id": 42, "org_code": "learnwell"}
    assert (doc["user_id"], doc["org_code"]) == (42, "learnwell")
    assert docs.ciphertext_from_document(doc) == secret
    assert docs.org_code_from_document(doc) == "learnwell"
    with pytest.raises(StorageError, match="binary"):
        docs.ciphertext_from_document({"ciphertext": "text"})
    with pytest.raises(StorageError, match="organization code"):
        docs.org_code_from_document({"org_code": 5})


def test_a_remote_file_id_round_trips() -> None:
    sha = hashlib.sha256(b"blob").hexdigest()
    doc = through_bson(docs.remote_file_id_document(sha, 2, "BQACAgIAAxkB", now=1.0))
    assert doc["_id"] == {"sha256": sha, "part": 2}
    assert docs.remote_id_from_document(doc) == "BQACAgIAAxkB"
    with pytest.raises(StorageError, match="not text"):
        docs.remote_id_from_document({"remote_id": 5})
