"""Domain objects survive a trip through JSON; malformed documents raise StorageError."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpbatch.adapters import serialization as ser
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

ids = st.integers(min_value=1, max_value=2**63 - 1)
counts = st.integers(min_value=0, max_value=10**12)
text = st.text(max_size=40)
# Fixed offsets: ISO 8601 keeps an offset, not a zone name (named zones come back as offsets).
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(timezones=st.none() | st.just(UTC) | offsets)
orgs = st.builds(
    Org, st.from_regex(r"[a-z0-9][a-z0-9_-]{1,39}", fullmatch=True).map(OrgCode), ids, text
)
batches = st.builds(
    Batch, ids, text, orgs, st.sampled_from(BatchSource), st.none() | counts, st.none() | moments
)
batch_files = st.builds(
    BatchFile,
    id=ids,
    batch=batches,
    folder_path=st.lists(text, max_size=4).map(tuple),
    name=text,
    kind=st.sampled_from(FileKind),
    version=text,
    url=st.none() | text,
    mime_type=st.none() | text,
    size=st.none() | counts,
    locked=st.booleans(),
)
listings = st.builds(OrgListing, orgs, st.lists(batches, max_size=4).map(tuple), moments)
records = st.builds(FileRecord, text, ids, text, text, counts, text, moments)
failures = st.builds(FileFailure, ids, text, text, text, text)
reports = st.builds(
    SyncReport,
    org=orgs,
    batches=counts,
    found=counts,
    downloaded=counts,
    skipped=counts,
    not_downloadable=counts,
    planned=counts,
    bytes_downloaded=counts,
    duration_s=st.floats(min_value=0, max_value=1e9),
    failures=st.lists(failures, max_size=3).map(tuple),
    retries=counts,
    resumed=counts,
)

CASES: list[tuple[st.SearchStrategy[Any], Callable[[Any], Any], Callable[[Any], Any]]] = [
    (orgs, ser.org_to_dict, ser.org_from_dict),
    (batches, ser.batch_to_dict, ser.batch_from_dict),
    (batch_files, ser.batch_file_to_dict, ser.batch_file_from_dict),
    (listings, ser.org_listing_to_dict, ser.org_listing_from_dict),
    (records, ser.file_record_to_dict, ser.file_record_from_dict),
    (reports, ser.sync_report_to_dict, ser.sync_report_from_dict),
]


def through_json(doc: object) -> Any:
    return json.loads(json.dumps(doc))


@pytest.mark.parametrize(("objects", "write", "read"), CASES)
@given(data=st.data())
def test_round_trip_through_json(
    objects: st.SearchStrategy[Any],
    write: Callable[[Any], Any],
    read: Callable[[Any], Any],
    data: st.DataObject,
) -> None:
    obj = data.draw(objects)
    assert read(through_json(write(obj))) == obj


@given(batch=batches, files=st.lists(batch_files, max_size=4))
def test_a_batch_listing_binds_its_files_to_the_batch(batch: Batch, files: list[BatchFile]) -> None:
    stored, read = ser.batch_files_from_dict(through_json(ser.batch_files_to_dict(batch, files)))
    assert stored == batch
    assert all(f.batch == batch for f in read)
    assert [f.id for f in read] == [f.id for f in files]


@pytest.mark.parametrize(("objects", "write", "read"), CASES)
@given(data=st.data())
def test_any_damage_is_a_storage_error_or_a_valid_object(
    objects: st.SearchStrategy[Any],
    write: Callable[[Any], Any],
    read: Callable[[Any], Any],
    data: st.DataObject,
) -> None:
    doc = through_json(write(data.draw(objects)))
    key = data.draw(st.sampled_from(sorted(doc)))
    garbage = st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.integers())
    if data.draw(st.booleans()):
        del doc[key]
    else:
        doc[key] = data.draw(garbage | st.dictionaries(st.text(), st.integers()))
    with suppress(StorageError):  # anything else (KeyError, TypeError, ...) fails the test
        read(doc)


@pytest.mark.parametrize("junk", [None, [], "text", 5, True])
@pytest.mark.parametrize(("read"), [case[2] for case in CASES])
def test_a_document_that_is_not_an_object_is_a_storage_error(
    read: Callable[[Any], Any], junk: object
) -> None:
    with pytest.raises(StorageError, match="malformed: expected an object"):
        read(junk)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": True}, "'id' should be a whole number"),
        ({"id": "12"}, "'id' should be a whole number"),
        ({"kind": "hologram"}, "'kind' should be a known file kind"),
        ({"folder_path": ["a", 3]}, "'folder_path' should be a list of text"),
        ({"locked": "no"}, "'locked' should be true or false"),
        ({"batch": {"id": 1}}, r"batch is malformed: '\w+' is missing"),
    ],
)
def test_malformed_fields_are_named_without_their_values(
    change: dict[str, object], message: str
) -> None:
    org = Org(OrgCode("abcde"), 1, "Org")
    batch = Batch(2, "Batch", org)
    file = BatchFile(3, batch, (), "a.pdf", FileKind.DOCUMENT, "v1", url="https://x/?sig=secret")
    doc = {**ser.batch_file_to_dict(file), **change}
    with pytest.raises(StorageError, match=message) as caught:
        ser.batch_file_from_dict(doc)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"code": "no spaces allowed", "id": 1, "name": "x"}, "'code' should be an organization"),
        ({"code": "abcde", "id": 1}, "'name' is missing"),
    ],
)
def test_a_malformed_org(doc: dict[str, object], message: str) -> None:
    with pytest.raises(StorageError, match=message):
        ser.org_from_dict(doc)


def test_a_malformed_date() -> None:
    doc = ser.file_record_to_dict(
        FileRecord("k", 1, "v", "s", 1, "n", datetime(2024, 1, 2, tzinfo=UTC))
    )
    with pytest.raises(StorageError, match="'recorded_at' should be an ISO 8601"):
        ser.file_record_from_dict({**doc, "recorded_at": "last tuesday"})
