"""Upstream JSON -> domain models, in one place (API doc sections 4.1, 4.4-4.7, 11).

Every function is pure. A missing or mistyped required field raises UpstreamError naming the
endpoint path; optional fields (names, dates, counts) fall back quietly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cpbatch.adapters.classplus.errors import upstream_shape_error
from cpbatch.adapters.classplus.fields import Fields
from cpbatch.adapters.classplus.kinds import classify_document
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, BatchSource, FileKind, Org

_FOLDER, _VIDEO, _DOCUMENT, _TEST = 1, 2, 3, 4
_LOCK_KEYS = ("isContentLocked", "isLocked")
_VERSION_KEYS = ("updatedAt", "modifiedAt", "createdAt")
_ID_BITS = 62
_NOT_FILES = {_VIDEO: FileKind.VIDEO, _TEST: FileKind.TEST}


@dataclass(frozen=True, slots=True)
class FolderRef:
    """A folder to descend into. `course_id` is its `contentCourseId` (shared content)."""

    id: int
    name: str
    course_id: int | None = None


def data_object(data: object, path: str) -> Fields:
    return Fields(data, path, "data")


def org_from(code: OrgCode, data: object, path: str) -> Org:
    row = data_object(data, path)
    name = row.text("orgName", "name")
    return Org(code=code, id=row.id("orgId", "id"), name=_name(name, code.value))


def course_rows(data: object, path: str) -> list[Fields]:
    return data_object(data, path).objects("courses", "a course")


def is_entitled(course: Fields) -> bool:
    """Purchased, or free (the first of totalAmount, finalPrice, price present is 0)."""
    if course.flag("isPurchased"):
        return True
    return course.number("totalAmount", "finalPrice", "price") == 0


def batch_from_course(course: Fields, org: Org, now: datetime | None = None) -> Batch:
    """A course; one whose `expiresAt` is past at `now` is marked expired (never walked)."""
    course_id = course.id("id", "courseId")
    resources = course.child("resources")
    files = resources.number("files") if resources else None
    expires = course.time("expiresAt")
    expired = expires is not None and expires <= (now or datetime.now(UTC))
    return Batch(
        id=course_id,
        name=_name(course.text("name"), f"Course {course_id}"),
        org=org,
        source=BatchSource.COURSE,
        file_count=int(files) if files is not None and files >= 0 else None,
        created=course.time("createdAt"),
        access_expired_on=expires if expired else None,
    )


def batch_rows(data: object, path: str) -> tuple[list[Fields], int | None]:
    """One page of /v2/batches/details and the total count, when given."""
    page = data_object(data, path)
    total = page.number("batchesCount")
    return page.objects("totalBatches", "a batch"), int(total) if total is not None else None


def batch_from_batch(row: Fields, org: Org) -> Batch:
    batch_id = row.id("batchId", "id")
    return Batch(
        id=batch_id,
        name=_name(row.text("batchName", "name"), f"Batch {batch_id}"),
        org=org,
        source=BatchSource.BATCH,
        created=row.time("createdDate", "createdAt"),
    )


def content_rows(data: object, path: str) -> list[Fields]:
    """One page of /v2/course/content/get; `data` may also be a bare list, or None (304)."""
    if data is None:
        return []
    if isinstance(data, list):
        return [Fields(item, path, "a content item") for item in data]
    return data_object(data, path).objects("courseContent", "a content item")


def content_item(row: Fields, batch: Batch, folder_path: tuple[str, ...]) -> BatchFile | FolderRef:
    """A content item: a folder to walk, or a file of any kind (unknown types: UNSUPPORTED)."""
    item_id = row.id("id")
    content_type = _content_type(row)
    name = row.text("name")
    if content_type == _FOLDER:
        shared_from = row.optional_id("contentCourseId")
        return FolderRef(item_id, _name(name, f"Folder {item_id}"), shared_from)
    url = _url(row) if content_type == _DOCUMENT else None  # videos and tests: never a file
    if content_type == _DOCUMENT:
        kind, mime = classify_document(row.text("format"), url, name)
    else:
        kind, mime = _NOT_FILES.get(content_type, FileKind.UNSUPPORTED), None
    return _file(row, item_id, batch, folder_path, name, kind, url, mime)


def folder_rows(data: object, path: str) -> tuple[list[Fields], list[Fields]]:
    """One page of /v2/folder: (folders, attachments); either list may be absent."""
    page = data_object(data, path)
    folders = page.objects("folders", "a folder", required=False)
    return folders, page.objects("attachments", "an attachment", required=False)


def folder_from(row: Fields) -> FolderRef:
    folder_id = row.id("id", "folderId")
    return FolderRef(folder_id, _name(row.text("name", "folderName"), f"Folder {folder_id}"))


def attachment_file(row: Fields, batch: Batch, folder_path: tuple[str, ...]) -> BatchFile:
    """An attachment; without an `id` its id is derived from its URL (stable, 62 bits)."""
    url = _url(row)
    item_id = row.optional_id("id", "attachmentId")
    if item_id is None:
        if url is None:
            raise upstream_shape_error(row.path, "an attachment with neither 'id' nor 'url'")
        item_id = derived_id(url)
    name = row.text("fileName", "name")
    kind, mime = classify_document(row.text("format"), url, name)
    return _file(row, item_id, batch, folder_path, name, kind, url, mime)


def derived_id(url: str) -> int:
    """A stable positive id from a URL's sha256 (for attachments that carry none)."""
    digest = int.from_bytes(hashlib.sha256(url.encode()).digest()[:8], "big")
    return (digest >> (64 - _ID_BITS)) or 1


def version_of(row: Fields, url: str | None) -> str:
    """What changes when the file changes: its date, else a hash of its URL (URLs are
    capabilities and are never stored as such)."""
    stamp = row.text(*_VERSION_KEYS)
    if stamp and stamp.strip():
        return stamp.strip()
    if url:
        return "url-sha256:" + hashlib.sha256(url.encode()).hexdigest()[:32]
    return "unversioned"


def _file(
    row: Fields,
    item_id: int,
    batch: Batch,
    folder_path: tuple[str, ...],
    name: str | None,
    kind: FileKind,
    url: str | None,
    mime: str | None,
) -> BatchFile:
    return BatchFile(
        id=item_id,
        batch=batch,
        folder_path=folder_path,
        name=_name(name, f"{kind.value} {item_id}"),
        kind=kind,
        version=version_of(row, url),
        url=url,
        mime_type=mime,
        locked=row.any_not_false(*_LOCK_KEYS),  # any lock key set, or unclear: locked
    )


def _content_type(row: Fields) -> int:
    """The numeric contentType; absent or unreadable -> 0 (unsupported, never a crash)."""
    value = row.raw.get("contentType")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _url(row: Fields) -> str | None:
    value = row.raw.get("url")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _name(name: str | None, fallback: str) -> str:
    return name if name and name.strip() else fallback
