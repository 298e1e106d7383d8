"""Upstream JSON -> domain: shapes seen in the API doc, tolerated variants, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cpbatch.adapters.classplus import kinds
from cpbatch.adapters.classplus.fields import Fields
from cpbatch.adapters.classplus.mapping import (
    FolderRef,
    attachment_file,
    batch_from_batch,
    batch_from_course,
    batch_rows,
    content_item,
    content_rows,
    course_rows,
    derived_id,
    folder_rows,
    is_entitled,
    org_from,
)
from cpbatch.domain.errors import UpstreamError
from cpbatch.domain.extensions import CLASSPLUS_FORMATS, known_extensions
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, BatchSource, FileKind, Org

PATH = "/v2/course/content/get"
ORG = Org(OrgCode("learnwell"), 42, "Learn Well")
COURSE = Batch(7, "Physics", ORG)
CDN = "https://cdn-wl-assets.classplus.co/production/42/"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def item(**fields: object) -> BatchFile | FolderRef:
    return content_item(Fields(fields, PATH, "a content item"), COURSE, ("Unit 1",))


def test_org_reads_org_id_and_name_and_falls_back_to_id():
    assert org_from(OrgCode("ab"), {"orgId": 5, "orgName": "A B"}, "/v2/orgs/ab") == Org(
        OrgCode("ab"), 5, "A B"
    )
    assert org_from(OrgCode("ab"), {"id": "6"}, "/v2/orgs/ab").id == 6


@pytest.mark.parametrize("data", [{"orgName": "x"}, {"orgId": "abc"}, [], "oops", None])
def test_org_without_a_usable_id_is_an_upstream_error_naming_the_path(data):
    with pytest.raises(UpstreamError, match="/v2/orgs/ab"):
        org_from(OrgCode("ab"), data, "/v2/orgs/ab")


@pytest.mark.parametrize(
    ("course", "entitled"),
    [
        ({"isPurchased": True, "price": 500}, True),
        ({"isPurchased": 1}, True),
        ({"isPurchased": False, "totalAmount": 0, "price": 999}, True),
        ({"isPurchased": False, "finalPrice": "0"}, True),
        ({"isPurchased": False, "price": 0.0}, True),
        ({"isPurchased": False, "totalAmount": 499, "price": 0}, False),
        ({"isPurchased": False}, False),
    ],
)
def test_only_purchased_or_free_courses_are_entitled(course, entitled):
    assert is_entitled(Fields({"id": 1, **course}, "/v2/courses", "a course")) is entitled


def test_course_becomes_a_course_batch_with_file_count_and_date():
    rows = course_rows(
        {"courses": [{"id": 7, "name": "Physics", "resources": {"files": 12},
                      "createdAt": "2024-05-01T10:00:00.000Z"}]},
        "/v2/courses",
    )  # fmt: skip
    batch = batch_from_course(rows[0], ORG)
    assert (batch.id, batch.name, batch.source, batch.file_count) == (
        7, "Physics", BatchSource.COURSE, 12,
    )  # fmt: skip
    assert batch.created is not None
    assert batch.created.year == 2024


def test_courses_without_a_list_is_an_upstream_error():
    with pytest.raises(UpstreamError, match="/v2/courses"):
        course_rows({"course": []}, "/v2/courses")


def test_tutor_batch_page_and_total():
    rows, total = batch_rows(
        {"totalBatches": [{"batchId": 3, "batchName": "Morning", "createdDate": "2023-01-02"}],
         "batchesCount": 21},
        "/v2/batches/details",
    )  # fmt: skip
    assert total == 21
    batch = batch_from_batch(rows[0], ORG)
    assert (batch.id, batch.name, batch.source) == (3, "Morning", BatchSource.BATCH)


def test_content_rows_accept_an_object_a_bare_list_or_nothing():
    assert len(content_rows({"courseContent": [{"id": 1}]}, PATH)) == 1
    assert len(content_rows([{"id": 1}, {"id": 2}], PATH)) == 2
    assert content_rows(None, PATH) == []
    with pytest.raises(UpstreamError, match=PATH):
        content_rows({"contents": []}, PATH)
    with pytest.raises(UpstreamError, match=PATH):
        content_rows("html", PATH)


def test_folder_item_is_a_folder_ref_with_its_shared_course():
    assert item(id=9, contentType=1, name="Notes") == FolderRef(9, "Notes", None)
    assert item(id=9, contentType=1, name="Shared", contentCourseId=70).course_id == 70


@pytest.mark.parametrize(
    ("fields", "kind", "mime"),
    [
        ({"format": "pdf", "url": CDN + "a.pdf"}, FileKind.DOCUMENT, "application/pdf"),
        ({"format": "document", "url": CDN + "a.pdf"}, FileKind.DOCUMENT, "application/pdf"),
        ({"format": "document", "url": CDN + "a.zip"}, FileKind.OTHER, "application/zip"),
        ({"format": "image", "url": CDN + "a.png"}, FileKind.IMAGE, "image/png"),
        ({"url": CDN + "a.JPG"}, FileKind.IMAGE, "image/jpeg"),
        ({"format": "mp3", "url": CDN + "a"}, FileKind.OTHER, "audio/mpeg"),
        ({"format": "weird", "url": CDN + "noext"}, FileKind.DOCUMENT, None),
        ({"url": CDN + "a.pdf?x=1"}, FileKind.DOCUMENT, "application/pdf"),
    ],
)
def test_documents_are_classified_by_format_then_extension(fields, kind, mime):
    file = item(id=5, contentType=3, name="Doc", **fields)
    assert isinstance(file, BatchFile)
    assert (file.kind, file.mime_type, file.downloadable) == (kind, mime, True)
    assert file.folder_path == ("Unit 1",)


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [(2, FileKind.VIDEO), (4, FileKind.TEST), (5, FileKind.UNSUPPORTED), (99, FileKind.UNSUPPORTED),
     ("x", FileKind.UNSUPPORTED), (None, FileKind.UNSUPPORTED)],
)  # fmt: skip
def test_non_documents_keep_their_kind_and_never_carry_a_url(content_type, kind):
    file = item(
        id=5, contentType=content_type, name="V", url="https://media-cdn.classplusapp.com/x"
    )
    assert isinstance(file, BatchFile)
    assert (file.kind, file.url, file.downloadable) == (kind, None, False)


def test_locked_items_are_not_downloadable():
    doc = item(id=5, contentType=3, url=CDN + "a.pdf", isContentLocked=1)
    video = item(id=6, contentType=2, isLocked=True)
    assert isinstance(doc, BatchFile)
    assert isinstance(video, BatchFile)
    assert doc.locked
    assert not doc.downloadable
    assert doc.why_not_downloadable == "this item is locked for your account"
    assert video.locked


def test_version_is_the_date_else_a_hash_of_the_url_never_the_url():
    dated = item(id=5, contentType=3, url=CDN + "a.pdf", updatedAt="2024-01-01")
    undated = item(id=5, contentType=3, url=CDN + "a.pdf")
    assert isinstance(dated, BatchFile)
    assert isinstance(undated, BatchFile)
    assert dated.version == "2024-01-01"
    assert undated.version.startswith("url-sha256:")
    assert "cdn" not in undated.version


def test_blank_name_falls_back_and_odd_names_are_kept_verbatim():
    blank = item(id=5, contentType=3, url=CDN + "a.pdf", name="  ")
    odd = item(id=6, contentType=3, url=CDN + "a.pdf", name="a/b:c?  😀")
    assert isinstance(blank, BatchFile)
    assert isinstance(odd, BatchFile)
    assert blank.name == "document 5"
    assert odd.name == "a/b:c?  😀"


def test_item_without_id_is_an_upstream_error():
    with pytest.raises(UpstreamError, match=PATH):
        item(contentType=3, url=CDN + "a.pdf")


def test_attachments_without_id_get_a_stable_positive_62_bit_id():
    batch = Batch(3, "Morning", ORG, BatchSource.BATCH)
    folders, attachments = folder_rows(
        {"folders": [{"id": 4, "name": "Week 1"}],
         "attachments": [{"url": CDN + "b.pdf", "fileName": "b.pdf", "updatedAt": "x"}]},
        "/v2/folder",
    )  # fmt: skip
    file = attachment_file(attachments[0], batch, ())
    assert file.id == derived_id(CDN + "b.pdf") == derived_id(CDN + "b.pdf")
    assert 0 < file.id < 2**62
    assert derived_id(CDN + "c.pdf") != file.id
    assert (file.name, file.kind, file.version) == ("b.pdf", FileKind.DOCUMENT, "x")
    assert len(folders) == 1


def test_folder_page_tolerates_missing_lists():
    assert folder_rows({}, "/v2/folder") == ([], [])


def test_every_format_the_adapter_classifies_is_a_known_extension():
    classified = kinds._IMAGE | kinds._OTHER | kinds._DOCUMENT

    assert classified <= CLASSPLUS_FORMATS <= known_extensions()


@pytest.mark.parametrize(
    ("expires_at", "expired_on"),
    [
        ("2024-07-01T00:00:00.000Z", datetime(2024, 7, 1, tzinfo=UTC)),
        (1_719_792_000_000, datetime(2024, 7, 1, tzinfo=UTC)),  # epoch milliseconds
        ("2026-02-01T00:00:00Z", None),  # still open at NOW
        (None, None),
        ("whenever", None),
    ],
)
def test_a_course_past_its_expires_at_is_marked_expired(expires_at, expired_on):
    row = Fields({"id": 7, "name": "Physics", "expiresAt": expires_at}, "/v2/courses", "a course")

    batch = batch_from_course(row, ORG, NOW)

    assert batch.access_expired_on == expired_on
    assert batch.downloadable is (expired_on is None)
    if expired_on is not None:
        assert batch.why_not_downloadable == "not downloadable: access expired on 2024-07-01"
