"""World objects rendered as the upstream JSON items."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cpbatch.entrypoints.simulator.index import WorldIndex
from cpbatch.entrypoints.simulator.world import (
    Batch,
    Course,
    Document,
    Folder,
    Item,
    Org,
    Test,
    UnknownItem,
    User,
    Video,
    stable_uuid,
)

JsonDict = dict[str, Any]


def file_url(base_url: str, org_id: int, doc: Document) -> str:
    return f"{base_url}/production/{org_id}/{doc.uuid}.{doc.ext}"


def course_entry(org: Org, user: User, course: Course, index: WorldIndex) -> JsonDict:
    videos, files = index.resources(course.root)
    return {
        "id": course.id,
        "name": course.name,
        "description": f"{course.name} by {org.name}",
        "price": course.price,
        "finalPrice": course.final_price,
        "totalAmount": course.final_price,
        "isPurchased": course.id in user.course_ids,
        "resources": {"videos": videos, "files": files},
        "orgId": org.id,
        "shareableLink": f"https://{org.code}.courses.store/{course.id}",
        "expiresAt": course.expires_at,
        "createdAt": course.created_at,
        "imageUrl": f"https://cdn-wl-assets.classplus.co/production/single/{org.code}/{course.id}.png",
    }


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _video(video: Video, org: Org, base_url: str) -> JsonDict:
    uuid = stable_uuid("video", video.id)
    ciphertext = hashlib.blake2b(f"video:{video.id}".encode(), digest_size=40).digest()
    return {
        "id": video.id,
        "name": video.name,
        "contentType": 2,
        "contentHashId": base64.b64encode(b"Salted__" + ciphertext).decode("ascii"),
        "uuid": uuid,
        "duration": _hms(video.duration),
        "thumbnailUrl": f"{base_url}/media-cdn/{org.id}/thumbnails/{uuid}.jpg",
        "url": f"{base_url}/media-cdn/drm/{org.id}/{uuid}/master.m3u8",
        "vidKey": uuid[:12],
        "videoType": 1,
        "isLocked": int(video.locked),
        "createdAt": video.created_at,
    }


def _document(doc: Document, org: Org, base_url: str) -> JsonDict:
    hidden = doc.locked and doc.lock_flags is None
    entry: JsonDict = {
        "id": doc.id,
        "name": doc.name,
        "contentType": 3,
        "url": "" if hidden else file_url(base_url, org.id, doc),
        "format": doc.format,
        "isContentLocked": int(doc.locked),
        "description": "",
        "createdAt": doc.created_at,
        "updatedAt": doc.updated_at,
    }
    if doc.lock_flags is not None:
        del entry["isContentLocked"]
        entry.update(doc.lock_flags)
    return entry


def content_item(
    item: Item, course_id: int, org: Org, base_url: str, index: WorldIndex
) -> JsonDict:
    """One entry of `data.courseContent` as listed in course `course_id`."""
    if isinstance(item, Folder):
        videos, files = index.resources(item)
        return {
            "id": item.id,
            "name": item.name,
            "contentType": 1,
            "description": item.description,
            "resources": {"videos": videos, "files": files},
            "contentCourseId": item.home_course_id or course_id,
            "createdAt": item.modified_at,
        }
    if isinstance(item, Video):
        return _video(item, org, base_url)
    if isinstance(item, Document):
        return _document(item, org, base_url)
    if isinstance(item, Test):
        test_id = stable_uuid("test", item.id)[:24]
        return {
            "id": item.id,
            "name": item.name,
            "contentType": 4,
            "testId": test_id,
            "maxMarks": item.max_marks,
            "url": f"{base_url}/tests/{test_id}",
            "createdAt": item.created_at,
        }
    assert isinstance(item, UnknownItem)
    return {
        "id": item.id,
        "name": item.name,
        "contentType": item.content_type,
        "description": "",
        "createdAt": item.created_at,
    }


def batch_entry(batch: Batch) -> JsonDict:
    return {
        "batchId": batch.id,
        "batchName": batch.name,
        "subjectName": batch.subject,
        "createdDate": batch.created_at,
        "batchCode": f"B{batch.id}",
    }


def batch_folder_entry(folder: Folder) -> JsonDict:
    return {"id": folder.id, "name": folder.name, "modifiedAt": folder.modified_at}


def attachment_entry(doc: Document, org: Org, base_url: str) -> JsonDict:
    return {
        "id": doc.id,
        "url": file_url(base_url, org.id, doc),
        "fileName": doc.name,
        "updatedAt": doc.updated_at,
        "format": doc.format,
        **(doc.lock_flags or {}),
    }
