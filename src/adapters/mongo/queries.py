"""Every filter and document key the Mongo adapters send, built here from checked values.

Only typed values reach a query: text must be `str`, numbers must be `int` (never `bool`)
within BSON's int64, digests must be 64 lower-case hex characters. Each value goes into a
constant field name, under an explicit `$eq`/`$in`/`$gt`, so no caller's string can ever
become an operator or a field path, and a dict smuggled in as a "key" is refused
(ValidationError) before it could change a query's meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from bson import ObjectId

from cpbatch.domain.errors import ValidationError

Filter = dict[str, Any]

KEYS_PER_QUERY = 500  # keeps each $in list (and its command) small
_INT64 = (-(2**63), 2**63 - 1)
_DIGEST = re.compile(r"[0-9a-f]{64}")


def text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text.")
    return value


def whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be a whole number.")
    if not _INT64[0] <= value <= _INT64[1]:
        raise ValidationError(f"{what} is out of range.")
    return value


def digest(value: object) -> str:
    """A blob name: 64 lower-case hex characters."""
    if not isinstance(value, str) or not _DIGEST.fullmatch(value):
        raise ValidationError("A blob is named by its sha256: 64 lower-case hex characters.")
    return value


def org_code(value: object) -> str:
    """Org codes are compared trimmed and lower-cased (as the SQLite adapter does)."""
    code = value.strip().lower() if isinstance(value, str) else ""
    if not code:
        raise ValidationError("An organization code is needed.")
    return code


def by_id(document_id: str | int | dict[str, Any] | ObjectId) -> Filter:
    """Equality on `_id`; `$eq` keeps even a value that looks like an operator a literal."""
    return {"_id": {"$eq": document_id}}


# file_records: _id is the record's key.
def record_key(key: object) -> str:
    return text(key, "A file record key")


def records_in(keys: Sequence[object]) -> Iterator[Filter]:
    """Filters for these keys (deduplicated), KEYS_PER_QUERY keys at a time."""
    wanted = list(dict.fromkeys(record_key(key) for key in keys))
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        yield {"_id": {"$in": wanted[start : start + KEYS_PER_QUERY]}}


def records_after(after: str | None) -> Filter:
    """Keyset pagination over `_id` (the key): the page after `after`."""
    return {} if after is None else {"_id": {"$gt": record_key(after)}}


# Compound _ids are built with a fixed field order: BSON compares documents field by field.
def org_listing_id(principal: object, code: object) -> dict[str, Any]:
    return {"principal": text(principal, "A principal"), "org_code": org_code(code)}


def batch_listing_id(principal: object, org_id: object, batch_key: object) -> dict[str, Any]:
    return {
        "principal": text(principal, "A principal"),
        "org_id": whole(org_id, "An organization id"),
        "batch_key": text(batch_key, "A batch key"),
    }


def user_id(value: object) -> int:
    return whole(value, "A chat user id")


def credential_id(user: object, code: object) -> dict[str, Any]:
    return {"user_id": user_id(user), "org_code": org_code(code)}


def credentials_of(user: object, code: object | None = None) -> Filter:
    """One user's credentials (all of them, or one org's)."""
    if code is None:
        return {"user_id": {"$eq": user_id(user)}}
    return by_id(credential_id(user, code))


def remote_file_id(sha256: object, part: object) -> dict[str, Any]:
    if not isinstance(sha256, str) or not sha256:
        raise ValidationError("A remote file id is keyed by the blob's sha256.")
    number = whole(part, "A file part number")
    if number < 0:
        raise ValidationError("A file part number must be a whole number from 0.")
    return {"sha256": sha256, "part": number}


def syncs_of(code: object | None) -> Filter:
    return {} if code is None else {"org_code": {"$eq": org_code(code)}}


# GridFS: a visible blob is a files document whose metadata.sha256 is its digest.
BLOB_DIGEST = "metadata.sha256"


def blob(sha256: object) -> Filter:
    return {BLOB_DIGEST: {"$eq": digest(sha256)}}


def all_blobs() -> Filter:
    return {BLOB_DIGEST: {"$type": "string"}}


def chunks_of(file_id: ObjectId) -> Filter:
    return {"files_id": {"$eq": file_id}}
