"""Query builders: only checked, typed values reach a filter, and never as an operator."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from hypothesis import given
from hypothesis import strategies as st

from cpbatch.adapters.mongo import queries as q
from cpbatch.domain.errors import ValidationError

HOSTILE_NON_TEXT: list[Any] = [
    {"$ne": None},
    {"$gt": ""},
    ["$where"],
    b"bytes",
    None,
    7,
    True,
    1.5,
]
# Fields and operators the builders may use; any other key in a filter would be a leak.
ALLOWED_KEYS = {
    "_id", "$eq", "$in", "$gt", "$type", "principal", "org_code", "org_id", "batch_key",
    "user_id", "sha256", "part", "files_id", q.BLOB_DIGEST,
}  # fmt: skip


def keys_of(value: object) -> set[str]:
    """Every key of every dict in the filter, at any depth (lists included)."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


@pytest.mark.parametrize("hostile", HOSTILE_NON_TEXT)
def test_a_record_key_must_be_text(hostile: object) -> None:
    with pytest.raises(ValidationError):
        q.record_key(hostile)
    with pytest.raises(ValidationError):
        list(q.records_in(["ok", hostile]))  # type: ignore[list-item]
    if hostile is not None:  # None means "from the start"
        with pytest.raises(ValidationError):
            q.records_after(hostile)  # type: ignore[arg-type]


@given(key=st.text())
def test_any_text_key_is_a_literal_under_eq(key: str) -> None:
    assert q.by_id(q.record_key(key)) == {"_id": {"$eq": key}}
    assert q.records_after(key) == {"_id": {"$gt": key}}
    assert keys_of(q.by_id(key)) <= ALLOWED_KEYS


@pytest.mark.parametrize("key", ["$gt", "$where", "a.b", "{'$ne': null}", "", "\x00"])
def test_operator_looking_text_stays_a_value(key: str) -> None:
    built = next(q.records_in([key]))
    assert built == {"_id": {"$in": [key]}}
    assert keys_of(built) <= ALLOWED_KEYS


def test_keys_are_deduplicated_and_sent_in_bounded_lists() -> None:
    keys = [f"k{n}" for n in range(1234)] + ["k0", "k1"]
    filters = list(q.records_in(keys))
    assert [len(f["_id"]["$in"]) for f in filters] == [500, 500, 234]
    assert [k for f in filters for k in f["_id"]["$in"]] == [f"k{n}" for n in range(1234)]
    assert list(q.records_in([])) == []


@pytest.mark.parametrize(
    "hostile", [{"$ne": None}, ["1"], "1", b"1", None, True, 1.0, 2**63, -(2**63) - 1]
)
def test_user_ids_must_be_int64_whole_numbers(hostile: object) -> None:
    with pytest.raises(ValidationError):
        q.credential_id(hostile, "learnwell")
    with pytest.raises(ValidationError):
        q.credentials_of(hostile)


@pytest.mark.parametrize("hostile", [{"$ne": ""}, ["a"], None, 5, "", "   "])
def test_org_codes_must_be_non_empty_text(hostile: object) -> None:
    with pytest.raises(ValidationError):
        q.org_code(hostile)
    with pytest.raises(ValidationError):
        q.org_listing_id("tok:alice", hostile)


def test_org_codes_are_trimmed_and_lower_cased() -> None:
    assert q.credential_id(5, " LearnWell ") == {"user_id": 5, "org_code": "learnwell"}
    assert q.credentials_of(5, "ABC") == {"_id": {"$eq": {"user_id": 5, "org_code": "abc"}}}
    assert q.credentials_of(5) == {"user_id": {"$eq": 5}}
    assert q.syncs_of(" AbC ") == {"org_code": {"$eq": "abc"}}
    assert q.syncs_of(None) == {}


def test_compound_ids_have_a_fixed_field_order() -> None:
    # BSON compares embedded documents field by field: the order must never vary.
    assert list(q.org_listing_id("p", "c")) == ["principal", "org_code"]
    assert list(q.batch_listing_id("p", 7, "course:11")) == ["principal", "org_id", "batch_key"]
    assert list(q.credential_id(1, "c")) == ["user_id", "org_code"]
    assert list(q.remote_file_id("ab", 0)) == ["sha256", "part"]


@pytest.mark.parametrize(
    ("principal", "org_id", "batch_key"),
    [({"$ne": ""}, 7, "k"), ("p", "7", "k"), ("p", True, "k"), ("p", 7, {"$gt": ""})],
)
def test_batch_listing_ids_refuse_untyped_parts(
    principal: object, org_id: object, batch_key: object
) -> None:
    with pytest.raises(ValidationError):
        q.batch_listing_id(principal, org_id, batch_key)


@pytest.mark.parametrize(
    ("sha", "part"), [("", 0), (None, 0), ({"$ne": ""}, 0), ("ab", -1), ("ab", True), ("ab", "0")]
)
def test_remote_file_ids_refuse_bad_keys(sha: object, part: object) -> None:
    with pytest.raises(ValidationError):
        q.remote_file_id(sha, part)


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "A" * 64, "a" * 63, "g" * 64, "", "a" * 64 + "/x", {"$ne": ""}]
)
def test_a_blob_digest_must_be_64_lower_case_hex(bad: object) -> None:
    with pytest.raises(ValidationError):
        q.blob(bad)


def test_blob_filters() -> None:
    digest = "ab" * 32
    assert q.blob(digest) == {"metadata.sha256": {"$eq": digest}}
    assert q.all_blobs() == {"metadata.sha256": {"$type": "string"}}
    file_id = ObjectId()
    assert q.chunks_of(file_id) == {"files_id": {"$eq": file_id}}
