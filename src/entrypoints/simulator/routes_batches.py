"""Tutor-side batches: /v2/batches/details and /v2/folder[/{folderId}]."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cpbatch.entrypoints.simulator import listing_quirks as quirks
from cpbatch.entrypoints.simulator.envelope import ApiFailure, json_object, success
from cpbatch.entrypoints.simulator.paging import page
from cpbatch.entrypoints.simulator.render import attachment_entry, batch_entry, batch_folder_entry
from cpbatch.entrypoints.simulator.state import state_of
from cpbatch.entrypoints.simulator.world import Document, Folder, Item

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
    config = state.faults.config
    window = quirks.served_window(request.query, BATCHES_DEFAULT_LIMIT, BATCHES_MAX_LIMIT, config)
    limit, offset = BATCHES_MAX_LIMIT if window[0] is None else window[0], window[1]
    entries = [batch_entry(b) for b in page(visible, limit, offset)]
    count = len(visible)
    if "batches" in config.endless_lists:  # full pages of new batches, and always more to come
        entries += quirks.made(limit - len(entries), quirks.batch_entry, state.synthetic_ids)
        count = offset + 2 * max(1, limit)
    return success({"totalBatches": entries, "batchesCount": count})


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
    folder_id = _as_id(raw_folder_id, "folderId")
    config = state.faults.config
    if state.synthetic_ids.is_synthetic(folder_id) and batch_id in config.endless_folder_ids:
        items: list[Item] = []  # an endless sub-folder: only its own endless sub-folders
    elif (folder := state.index.batch_folder(org.id, batch_id, folder_id)) is not None:
        items = folder.items
    else:
        raise ApiFailure(404, "Folder not found.")
    subfolders = [item for item in items if isinstance(item, Folder)]
    documents = [item for item in items if isinstance(item, Document)]
    served = quirks.served_window(body, FOLDER_DEFAULT_LIMIT, FOLDER_MAX_LIMIT, config)
    limit, offset = FOLDER_MAX_LIMIT if served[0] is None else served[0], served[1]
    window = page([*subfolders, *documents], limit, offset)
    extra_folders, extra_documents = quirks.endless_extra(
        batch_id, len(subfolders) + len(documents), len(window), (limit, offset), config
    )
    ids = state.synthetic_ids
    return success(
        {
            "folders": [batch_folder_entry(f) for f in window if isinstance(f, Folder)]
            + quirks.made(extra_folders, quirks.batch_folder, ids),
            "attachments": [
                attachment_entry(d, org, state.base_url) for d in window if isinstance(d, Document)
            ]
            + quirks.made(extra_documents, quirks.attachment(state.base_url, org.id), ids),
        }
    )
