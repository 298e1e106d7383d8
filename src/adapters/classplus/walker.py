"""Walking a batch's content tree: every page of every folder, each item once.

Courses are walked through /v2/course/content/get (doc 4.6), tutor-side batches through
/v2/folder (doc 4.7). Sibling folders are listed concurrently, at most `folder_concurrency`
at a time (the API rate limiter still applies to each request). A visited set guards against
cycles; folders deeper than `max_depth` are skipped with a warning. The whole walk shares one
ListingBudget: past its caps on pages, items or folders the batch fails (see `paging`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import structlog

from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.mapping import (
    FolderRef,
    attachment_file,
    content_item,
    content_rows,
    folder_from,
    folder_rows,
)
from cpbatch.adapters.classplus.paging import ListingBudget, all_pages
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, BatchFile, BatchSource

log = structlog.get_logger(__name__)

CONTENT_PATH = "/v2/course/content/get"
FOLDER_PATH = "/v2/folder"

Item = BatchFile | FolderRef
# (node key, folder id) -> the folder's items, all pages
Lister = Callable[[tuple[int, int], tuple[str, ...]], Awaitable[list[Item]]]


class ContentWalker:
    """Lists one batch's whole tree with one token. Use once per `list_files` call."""

    def __init__(
        self, api: ApiClient, settings: ClassPlusSettings, batch: Batch, token: AccessToken
    ) -> None:
        self._api = api
        self._settings = settings
        self._batch = batch
        self._token = token
        self._slots = asyncio.Semaphore(settings.folder_concurrency)
        self._visited: set[tuple[int, int]] = set()
        what = f"{batch.source.value} {batch.id} ({batch.name})"
        self._budget = ListingBudget.for_listing(what, settings)

    async def files(self) -> list[BatchFile]:
        """Every file of the tree in walk order; a file id seen twice keeps its first entry."""
        lister = self._course_folder if self._batch.source is BatchSource.COURSE else self._folder
        root = (self._batch.id, 0)
        self._visited.add(root)
        found = await self._walk(lister, root, (), 0)
        unique: dict[int, BatchFile] = {}
        for file in found:
            unique.setdefault(file.id, file)
        return list(unique.values())

    async def _walk(
        self, lister: Lister, node: tuple[int, int], path: tuple[str, ...], depth: int
    ) -> list[BatchFile]:
        async with self._slots:
            items = await lister(node, path)
        files = [item for item in items if isinstance(item, BatchFile)]
        children: list[tuple[tuple[int, int], tuple[str, ...]]] = []
        for folder in (item for item in items if isinstance(item, FolderRef)):
            child = (folder.course_id or node[0], folder.id)
            if child in self._visited:
                log.debug("classplus_folder_seen", batch=self._batch.key, folder_id=folder.id)
                continue
            if depth + 1 > self._settings.max_depth:
                log.warning(
                    "classplus_folder_too_deep",
                    batch=self._batch.key,
                    folder_id=folder.id,
                    max_depth=self._settings.max_depth,
                )
                continue
            self._budget.take_folder()  # may raise: no coroutine is made before it is checked
            self._visited.add(child)
            children.append((child, (*path, folder.name)))
        walks = [self._walk(lister, child, below, depth + 1) for child, below in children]
        for found in await _all(walks):
            files.extend(found)
        return files

    async def _course_folder(self, node: tuple[int, int], path: tuple[str, ...]) -> list[Item]:
        course_id, folder_id = node
        errors = self._errors(CONTENT_PATH, folder_id)
        limit = self._settings.content_page_size

        async def page(offset: int) -> tuple[list[Item], None]:
            params = {
                "courseId": str(course_id),
                "folderId": str(folder_id),
                "storeContentEvent": "false",
                "limit": str(limit),
                "offset": str(offset),
            }
            if course_id != self._batch.id:  # content shared from another course
                params["originalCourseId"] = str(self._batch.id)
            data = await self._api.call(
                "GET", CONTENT_PATH, errors, token=self._token, params=params
            )
            rows = content_rows(data, CONTENT_PATH)
            return [content_item(row, self._batch, path) for row in rows], None

        return await all_pages(page, _item_key, self._budget)

    async def _folder(self, node: tuple[int, int], path: tuple[str, ...]) -> list[Item]:
        folder_id = node[1]
        route = FOLDER_PATH if folder_id == 0 else f"{FOLDER_PATH}/{folder_id}"
        errors = self._errors(route, folder_id)
        limit = self._settings.folder_page_size

        async def page(offset: int) -> tuple[list[Item], None]:
            body: dict[str, object] = {
                "batchFreeResource": 1,
                "batchId": str(self._batch.id),
                "limit": limit,
                "offset": offset,
                "sortBy": "createdAt",
            }
            if folder_id:
                body["folderId"] = folder_id
            data = await self._api.call("POST", route, errors, token=self._token, body=body)
            folders, attachments = folder_rows(data, route)
            items: list[Item] = [folder_from(row) for row in folders]
            items.extend(attachment_file(row, self._batch, path) for row in attachments)
            return items, None

        return await all_pages(page, _item_key, self._budget)

    def _errors(self, route: str, folder_id: int) -> CallErrors:
        batch = self._batch
        where = f"folder {folder_id} of " if folder_id else ""
        return CallErrors(
            path=route,
            not_found=f"ClassPlus no longer has {where}batch {batch.id} ({batch.name}): "
            "list the batches again.",
            forbidden=f"ClassPlus says your account cannot open batch {batch.id} ({batch.name}).",
        )


def _item_key(item: Item) -> tuple[bool, int]:
    """A folder and a file may share an id."""
    return isinstance(item, FolderRef), item.id


async def _all(coros: list[Coroutine[Any, Any, list[BatchFile]]]) -> list[list[BatchFile]]:
    """Run concurrently; on the first failure cancel the rest and raise that failure itself
    (not an ExceptionGroup, so callers see plain domain errors)."""
    if not coros:
        return []
    tasks: list[asyncio.Task[list[BatchFile]]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coro) for coro in coros]
    except BaseExceptionGroup as failures:
        raise _first_leaf(failures) from None
    return [task.result() for task in tasks]


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
