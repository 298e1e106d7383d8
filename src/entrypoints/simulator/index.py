"""Lookups by id over a world: files by CDN path, folders by id, shared-content links.

Rebuilt on a miss, so items a test adds to a running world are found; call `rebuild()` after
removing items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cpbatch.entrypoints.simulator.world import Document, Folder, Video, World, walk_folders

T = TypeVar("T")
FolderIds = dict[int, Folder]


class WorldIndex:
    def __init__(self, world: World) -> None:
        self.world = world
        self._files: dict[tuple[int, str], Document] = {}
        self._files_by_id: dict[tuple[int, int], Document] = {}
        self._course_folders: dict[tuple[int, int], FolderIds] = {}
        self._batch_folders: dict[tuple[int, int], FolderIds] = {}
        self._shares: set[tuple[int, int, int]] = set()
        self._resources: dict[int, tuple[int, int]] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self._files.clear()
        self._files_by_id.clear()
        self._course_folders.clear()
        self._batch_folders.clear()
        self._shares.clear()
        self._resources.clear()
        for org in self.world.orgs:
            for course in org.courses:
                folders = self._index_tree(org.id, course.root, course.id)
                self._course_folders[(org.id, course.id)] = folders
            for batch in org.batches:
                self._batch_folders[(org.id, batch.id)] = self._index_tree(org.id, batch.root)

    def _index_tree(self, org_id: int, root: Folder, course_id: int | None = None) -> FolderIds:
        folders: FolderIds = {}
        for folder, _path in walk_folders(root, course_id):
            folders[0 if folder is root else folder.id] = folder
            for item in folder.items:
                if isinstance(item, Document):
                    self._files[(org_id, item.uuid)] = item
                    self._files_by_id[(org_id, item.id)] = item
                elif isinstance(item, Folder) and item.home_course_id not in (None, course_id):
                    self._shares.add((org_id, course_id or 0, item.home_course_id))
        return folders

    def _find(self, lookup: Callable[[], T | None]) -> T | None:
        found = lookup()
        if found is None:
            self.rebuild()
            found = lookup()
        return found

    def file(self, org_id: int, uuid: str) -> Document | None:
        return self._find(lambda: self._files.get((org_id, uuid)))

    def file_by_id(self, org_id: int, file_id: int) -> Document | None:
        return self._find(lambda: self._files_by_id.get((org_id, file_id)))

    def course_folder(self, org_id: int, course_id: int, folder_id: int) -> Folder | None:
        return self._find(lambda: self._course_folders.get((org_id, course_id), {}).get(folder_id))

    def batch_folder(self, org_id: int, batch_id: int, folder_id: int) -> Folder | None:
        return self._find(lambda: self._batch_folders.get((org_id, batch_id), {}).get(folder_id))

    def shares_content(self, org_id: int, original_course_id: int, content_course_id: int) -> bool:
        """Does `original_course_id` hold a folder whose content lives in `content_course_id`?"""
        return (org_id, original_course_id, content_course_id) in self._shares

    def resources(self, folder: Folder) -> tuple[int, int]:
        """(videos, files) below `folder`, counted once per item even across cycles."""
        counted = self._resources.get(id(folder))
        if counted is None:
            videos = files = 0
            for sub, _path in walk_folders(folder, folder.home_course_id):
                videos += sum(isinstance(item, Video) for item in sub.items)
                files += sum(isinstance(item, Document) for item in sub.items)
            counted = self._resources[id(folder)] = (videos, files)
        return counted
