"""Driver errors become safe StorageErrors; the index specs are what the adapters rely on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from bson.errors import InvalidDocument
from gridfs.errors import CorruptGridFile
from gridfs.grid_file_shared import _C_INDEX, _F_INDEX
from pymongo.errors import (
    ConfigurationError,
    DuplicateKeyError,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from cpbatch.adapters.mongo.errors import describe, mongo_errors
from cpbatch.adapters.mongo.indexes import (
    BATCH_LISTINGS,
    CREDENTIALS,
    FILE_RECORDS,
    ORG_LISTINGS,
    gridfs_indexes,
    metadata_indexes,
)
from cpbatch.adapters.mongo.orphans import orphan_pipeline
from cpbatch.domain.errors import StorageError

LEAKY = "host-a.internal:27017 dup key: { remote_id: 'BQACAgIAAxk' }"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ServerSelectionTimeoutError(LEAKY), "could not be reached"),
        (NetworkTimeout(LEAKY), "could not be reached"),
        (OperationFailure(LEAKY, code=18), "authentication failed"),
        (OperationFailure(LEAKY, code=13), "not allowed"),
        (ExecutionTimeout(LEAKY, code=50), "took too long"),
        (DuplicateKeyError(LEAKY, 11000), "error code 11000"),
        (ConfigurationError(LEAKY), "settings are not valid"),
        (InvalidDocument(LEAKY), "cannot be stored as BSON"),
        (OverflowError(LEAKY), "cannot be stored as BSON"),
        (CorruptGridFile(LEAKY), "CorruptGridFile"),
    ],
)
def test_driver_errors_are_described_never_quoted(exc: Exception, expected: str) -> None:
    assert expected in describe(exc)
    with pytest.raises(StorageError) as caught, mongo_errors("save a remote file id"):
        raise exc
    message = str(caught.value)
    assert message.startswith("MongoDB storage failed to save a remote file id: ")
    assert expected in message
    assert "internal" not in message
    assert "BQACAgIAAxk" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(ValueError, match="mine"), mongo_errors("anything"):
        raise ValueError("mine")


def _by_name(indexes: object) -> dict[str, dict[str, object]]:
    return {model.document["name"]: model.document for model in indexes}  # type: ignore[attr-defined]


def test_listing_caches_have_a_ttl_index_on_expires_at() -> None:
    specs = metadata_indexes()
    for collection in (ORG_LISTINGS, BATCH_LISTINGS):
        ttl = _by_name(specs[collection])["expires_at_ttl"]
        assert dict(ttl["key"]) == {"expires_at": 1}  # type: ignore[call-overload]
        assert ttl["expireAfterSeconds"] == 0


def test_metadata_indexes_cover_the_lookups() -> None:
    specs = metadata_indexes()
    assert dict(_by_name(specs[FILE_RECORDS])["sha256"]["key"]) == {"sha256": 1}  # type: ignore[call-overload]
    assert dict(_by_name(specs[CREDENTIALS])["user"]["key"]) == {"user_id": 1, "org_code": 1}  # type: ignore[call-overload]


def test_gridfs_indexes_are_the_specs_plus_a_unique_partial_digest_index() -> None:
    specs = gridfs_indexes("blobs")
    files = _by_name(specs["blobs.files"])
    chunks = _by_name(specs["blobs.chunks"])
    # Same keys and names as pymongo's GridIn creates, so both coexist without conflict.
    assert dict(files["filename_1_uploadDate_1"]["key"]) == _F_INDEX  # type: ignore[call-overload]
    assert dict(chunks["files_id_1_n_1"]["key"]) == _C_INDEX  # type: ignore[call-overload]
    assert chunks["files_id_1_n_1"]["unique"] is True
    digest = files["metadata_sha256_unique"]
    assert dict(digest["key"]) == {"metadata.sha256": 1}  # type: ignore[call-overload]
    assert digest["unique"] is True
    assert digest["partialFilterExpression"] == {"metadata.sha256": {"$type": "string"}}


def test_the_orphan_sweep_only_considers_old_uploads_without_a_files_document() -> None:
    cutoff = ObjectId.from_datetime(datetime(2024, 1, 1, tzinfo=UTC))
    pipeline = orphan_pipeline("blobs.files", cutoff)
    assert pipeline[0] == {"$match": {"files_id": {"$lt": cutoff}}}
    assert pipeline[2]["$lookup"]["from"] == "blobs.files"
    assert pipeline[3] == {"$match": {"file": {"$size": 0}}}
