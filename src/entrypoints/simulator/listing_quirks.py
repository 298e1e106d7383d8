"""How real listing servers differ from the tidy world: a page cap below the `limit` asked for
(on by default, so every client test meets it), and listings that never end.

    page_cap            no page holds more items, whatever `limit` says (None: no cap)
    endless_lists       "courses" / "batches": every page of that list is full of new entries
    endless_page_ids    courses or batches whose every folder page is full of new documents
    endless_folder_ids  courses or batches whose every folder holds `subfolders_per_folder`
                        new sub-folders (and so do those, for ever)

Endless entries get ids from one counter, far above any world's own ids, so every page is
new to a client; they exist only on the wire (a request for one answers as an empty folder).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from cpbatch.entrypoints.simulator.faults import FaultConfig
from cpbatch.entrypoints.simulator.paging import page_window

JsonDict = dict[str, Any]
SYNTHETIC_BASE = 8 * 10**18  # below 2**63, above any id a world uses
STAMP = "2024-07-01T10:00:00.000Z"


def served_window(
    params: Mapping[str, Any], default_limit: int | None, route_max: int, config: FaultConfig
) -> tuple[int | None, int]:
    """(limit, offset) as the server applies them: the route's own maximum, then the page cap
    (which also bounds a request that sends no limit). None: everything."""
    limit, offset = page_window(params, default_limit, route_max)
    if config.page_cap is not None:
        limit = config.page_cap if limit is None else min(limit, config.page_cap)
    return limit, offset


class SyntheticIds:
    """Fresh ids for entries that exist only on the wire."""

    def __init__(self) -> None:
        self._next = itertools.count(SYNTHETIC_BASE)

    def __call__(self) -> int:
        return next(self._next)

    @staticmethod
    def is_synthetic(item_id: int) -> bool:
        return item_id >= SYNTHETIC_BASE


def made(count: int, make: Callable[[int], JsonDict], ids: SyntheticIds) -> list[JsonDict]:
    return [make(ids()) for _ in range(max(0, count))]


def endless_extra(
    entity_id: int, real_count: int, served: int, window: tuple[int, int], config: FaultConfig
) -> tuple[int, int]:
    """(sub-folders, documents) to add to a page of a folder of course or batch `entity_id`
    holding `real_count` real items, `served` of them on this page (`window`: limit, offset).
    Endless sub-folders follow the real items; endless documents fill every page."""
    limit, offset = window
    folders = 0
    if entity_id in config.endless_folder_ids:
        start = max(offset, real_count)
        stop = min(offset + limit, real_count + config.subfolders_per_folder)
        folders = max(0, stop - start)
    documents = 0
    if entity_id in config.endless_page_ids:
        documents = limit - served - folders
    return folders, max(0, documents)


def course_entry(course_id: int) -> JsonDict:
    return {
        "id": course_id, "name": f"Endless course {course_id}", "price": 0, "finalPrice": 0,
        "totalAmount": 0, "isPurchased": True, "resources": {"videos": 0, "files": 0},
        "expiresAt": None, "createdAt": STAMP,
    }  # fmt: skip


def batch_entry(batch_id: int) -> JsonDict:
    return {"batchId": batch_id, "batchName": f"Endless batch {batch_id}", "createdDate": STAMP}


def content_document(base_url: str, org_id: int) -> Callable[[int], JsonDict]:
    def make(doc_id: int) -> JsonDict:
        return {
            "id": doc_id, "name": f"Endless {doc_id}.pdf", "contentType": 3, "format": "pdf",
            "url": f"{base_url}/production/{org_id}/endless{doc_id}.pdf", "isContentLocked": 0,
            "createdAt": STAMP, "updatedAt": STAMP,
        }  # fmt: skip

    return make


def content_folder(course_id: int) -> Callable[[int], JsonDict]:
    def make(folder_id: int) -> JsonDict:
        return {
            "id": folder_id, "name": f"Endless folder {folder_id}", "contentType": 1,
            "resources": {"videos": 0, "files": 0}, "contentCourseId": course_id,
            "createdAt": STAMP,
        }  # fmt: skip

    return make


def attachment(base_url: str, org_id: int) -> Callable[[int], JsonDict]:
    def make(doc_id: int) -> JsonDict:
        return {
            "id": doc_id, "fileName": f"Endless {doc_id}.pdf", "format": "pdf",
            "url": f"{base_url}/production/{org_id}/endless{doc_id}.pdf", "updatedAt": STAMP,
        }  # fmt: skip

    return make


def batch_folder(folder_id: int) -> JsonDict:
    return {"id": folder_id, "name": f"Endless folder {folder_id}", "modifiedAt": STAMP}
