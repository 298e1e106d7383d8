"""Tutor-side batches: /v2/batches/details and /v2/folder[/{folderId}]."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cpbatch.entrypoints.simulator.envelope import ApiFailure, json_object, success
from cpbatch.entrypoints.simulator.paging import page, page_window
from cpbatch.entrypoints.simulator.render import attachment_entry, batch_entry, batch_folder_entry
from cpbatch.entrypoints.simulator.state import state_of
from cpbatch.entrypoints.simulator.world import Document, Folder

BATCHES_DEFAULT_LIMIT = 20
BATCHES_MAX_LIMIT = 50
FOLDER_DEFAULT_LIMIT = 30
FOLDER_MAX_LIMIT = 100


async def list_batches(request: web.Request) -> web.Response:
    state = state_of(request)
    org, user = state.authenticate(request)
    visible = sorted(
        (b for b in org.batches if b.id in user.batch_ids),
        key=lambda b: b.created_at,
        reverse=True,
    )
    limit, offset = page_window(request.query, BATCHES_DEFAULT_LIMIT, BATCHES_MAX_LIMIT)
    return success(
        {
            "totalBatches": [batch_entry(b) for b in page(visible, limit, offset)],
            "batchesCount": len(visible),
        }
    )


def _as_id(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ApiFailure(400, f"Invalid {name}.") from error


async def batch_folder(request: web.Request) -> web.Response:
    state = state_of(request)
    org, user = state.authenticate(request)
    body = await json_object(request)
    batch_id = _as_id(body.get("batchId"), "batchId")
    if org.batch(batch_id) is None or batch_id not in user.batch_ids:
        raise ApiFailure(403, "You are not a part of this batch.")
    raw_folder_id = request.match_info.get("folder_id") or body.get("folderId") or 0
    folder = state.index.batch_folder(org.id, batch_id, _as_id(raw_folder_id, "folderId"))
    if folder is None:
        raise ApiFailure(404, "Folder not found.")
    subfolders = [item for item in folder.items if isinstance(item, Folder)]
    documents = [item for item in folder.items if isinstance(item, Document)]
    limit, offset = page_window(body, FOLDER_DEFAULT_LIMIT, FOLDER_MAX_LIMIT)
    window = page([*subfolders, *documents], limit, offset)
    return success(
        {
            "folders": [batch_folder_entry(f) for f in window if isinstance(f, Folder)],
            "attachments": [
                attachment_entry(d, org, state.base_url) for d in window if isinstance(d, Document)
            ],
        }
    )
