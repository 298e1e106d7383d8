"""A batch's flat file list seen as a folder tree: what one folder holds, and what lies below."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cpbatch.domain.models import BatchFile


@dataclass(frozen=True, slots=True)
class SubFolder:
    name: str
    items: int  # everything below it, downloadable or not


@dataclass(frozen=True, slots=True)
class FolderView:
    path: tuple[str, ...]
    folders: tuple[SubFolder, ...]
    files: tuple[BatchFile, ...]  # directly in this folder
    below: tuple[BatchFile, ...]  # every item here and in every folder below

    @property
    def downloadable(self) -> tuple[BatchFile, ...]:
        return tuple(f for f in self.below if f.downloadable)

    @property
    def entries(self) -> tuple[SubFolder | BatchFile, ...]:
        """What the folder shows, folders first, each in listing order."""
        return (*self.folders, *self.files)


def folder_view(files: Sequence[BatchFile], path: tuple[str, ...]) -> FolderView:
    depth = len(path)
    below = [f for f in files if f.folder_path[:depth] == path]
    counts: dict[str, int] = {}  # insertion order = listing order
    direct: list[BatchFile] = []
    for file in below:
        if len(file.folder_path) == depth:
            direct.append(file)
        else:
            name = file.folder_path[depth]
            counts[name] = counts.get(name, 0) + 1
    return FolderView(
        path=path,
        folders=tuple(SubFolder(name, items) for name, items in counts.items()),
        files=tuple(direct),
        below=tuple(below),
    )


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # zero-based, clamped into range
    count: int  # at least 1, even for nothing
    start: int
    stop: int


def paginate(items: int, page: int, page_size: int) -> Page:
    count = max(1, -(-items // page_size))
    number = min(max(0, page), count - 1)
    start = number * page_size
    return Page(number, count, start, min(items, start + page_size))
