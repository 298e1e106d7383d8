"""Files that appear and change over time: a tutor publishing a new file into a course or a
batch, or a new version of a file already there (new bytes, a later `updatedAt`). Used by
tests through the harness, and over HTTP through the control routes (`--control`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from cpbatch.entrypoints.simulator.world import Document, Folder, Org, World, walk_folders

FIRST_NEW_ID = 9_000_000  # above every id the built-in worlds use
_fresh = itertools.count(1)


def _stamp() -> str:
    """A timestamp later than any before it (ClassPlus's format), even within one millisecond."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}{next(_fresh)}Z"


def _org(world: World, org_code: str) -> Org:
    org = world.org_by_code(org_code)
    if org is None:
        raise LookupError(f"no org {org_code!r} in this world")
    return org


def _roots(org: Org) -> dict[str, Folder]:
    roots = {f"course:{c.id}": c.root for c in org.courses}
    roots.update({f"batch:{b.id}": b.root for b in org.batches})
    return roots


def _documents(org: Org) -> list[Document]:
    return [
        item
        for root in _roots(org).values()
        for folder, _ in walk_folders(root, follow_shared=True)
        for item in folder.items
        if isinstance(item, Document)
    ]


def publish(
    world: World, org_code: str, batch_key: str, name: str, size: int, folder: str = ""
) -> Document:
    """A new file in the course or batch `batch_key` ('course:41004' or 'batch:7'), at its top
    or in the folder of that name below it (made when missing)."""
    org = _org(world, org_code)
    root = _roots(org).get(batch_key)
    if root is None:
        raise LookupError(f"no {batch_key} in org {org_code!r}")
    if not 0 < size <= 50_000_000:
        raise ValueError("size must be between 1 byte and 50 MB")
    target = root
    if folder:
        found = next((i for i in root.items if isinstance(i, Folder) and i.name == folder), None)
        if found is None:
            found = Folder(FIRST_NEW_ID + next(_fresh), folder)
            root.add(found)
        target = found
    taken = {d.id for d in _documents(org)}
    new_id = max([FIRST_NEW_ID, *taken]) + 1
    stamp = _stamp()
    document = Document(new_id, name, size, created_at=stamp, updated_at=stamp)
    target.add(document)
    return document


def revise(world: World, org_code: str, file_id: int) -> Document:
    """A new version of a file: other bytes under the same id, and a later `updatedAt`."""
    org = _org(world, org_code)
    document = next((d for d in _documents(org) if d.id == file_id), None)
    if document is None:
        raise LookupError(f"no file {file_id} in org {org_code!r}")
    document.content_key = FIRST_NEW_ID * 10 + next(_fresh)
    document.updated_at = _stamp()
    return document
