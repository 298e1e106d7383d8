"""The list of every file a user's sync should download, with its expected sha256.

Walks the world as an honest client would: the courses the user can open (purchased or free,
following shared-content folders) and the batches the user sits in. Locked documents, videos,
tests and unknown items are not downloadable and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.render import file_url
from cpbatch.entrypoints.simulator.world import Document, Folder, Org, User, World, walk_folders

ManifestEntry = dict[str, Any]


def _documents(root: Folder, course_id: int | None) -> Iterator[tuple[Document, tuple[str, ...]]]:
    for folder, path in walk_folders(root, course_id, follow_shared=True):
        for item in folder.items:
            if isinstance(item, Document) and not item.locked:
                yield item, path


def _user_sources(org: Org, user: User) -> Iterator[tuple[str, int, Folder]]:
    for course in org.courses:
        visible = course.listed or course.id in user.course_ids
        if visible and org.can_open_course(user, course):
            yield "course", course.id, course.root
    for batch in org.batches:
        if batch.id in user.batch_ids:
            yield "batch", batch.id, batch.root


def build_manifest(
    world: World,
    content: ContentSource,
    base_url: str,
    org_code: str | None = None,
    mobile: str | None = None,
    include_sha256: bool = True,
) -> list[ManifestEntry]:
    """Entries for each org (or just `org_code`), as seen by `mobile` or the org's first user.
    Without `include_sha256` nothing is hashed (`sha256` is None): for huge generated worlds."""
    entries: list[ManifestEntry] = []
    for org in world.orgs:
        if org_code is not None and org.code != org_code.lower():
            continue
        user = org.user_by_identifier(mobile) if mobile else next(iter(org.users), None)
        if user is None:
            continue
        for source, batch_id, root in _user_sources(org, user):
            for doc, path in _documents(root, batch_id if source == "course" else None):
                entries.append(
                    {
                        "org_code": org.code,
                        "org_id": org.id,
                        "batch_source": source,
                        "batch_id": batch_id,
                        "file_id": doc.id,
                        "folder_path": list(path),
                        "name": doc.name,
                        "size": doc.size,
                        "sha256": content.sha256(doc) if include_sha256 else None,
                        "url": file_url(base_url, org.id, doc),
                        "format": doc.format,
                        "updated_at": doc.updated_at,
                    }
                )
    return entries
