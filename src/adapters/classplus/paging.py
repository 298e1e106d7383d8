"""Paging one listing to its end, within bounds.

A short page is not the last page: servers often cap a page below the `limit` asked for, so a
listing ends only on an empty page, on a page with nothing new (a server that ignores
`offset`), or at the total the server gives. And it ends with ListingTooLargeError past the
listing's caps on pages, items and folders: a server that never stops sending new ids must not
keep cpbatch working, and growing, forever.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.domain.errors import ListingTooLargeError

T = TypeVar("T")
# offset -> (the page's rows, the total the server reports, if it does)
PageReader = Callable[[int], Awaitable[tuple[list[T], int | None]]]


@dataclass(slots=True)
class ListingBudget:
    """What one listing may take: one batch's whole tree (every folder's pages together), or
    one org's list of courses or of batches. Shared by the concurrent walks of that listing."""

    what: str  # for the message: "course 41001 (Physics)", "the courses of Learn Well"
    max_pages: int
    max_items: int
    max_folders: int
    pages: int = 0
    items: int = 0
    folders: int = 0

    @classmethod
    def for_listing(cls, what: str, settings: ClassPlusSettings) -> ListingBudget:
        return cls(
            what, settings.max_listing_pages, settings.max_listing_items,
            settings.max_listing_folders,
        )  # fmt: skip

    def take_page(self) -> None:
        if self.pages >= self.max_pages:
            raise self._too_large(self.max_pages, "pages", "MAX_LISTING_PAGES")
        self.pages += 1

    def take_items(self, count: int) -> None:
        self.items += count
        if self.items > self.max_items:
            raise self._too_large(self.max_items, "items", "MAX_LISTING_ITEMS")

    def take_folder(self) -> None:
        self.folders += 1
        if self.folders > self.max_folders:
            raise self._too_large(self.max_folders, "folders", "MAX_LISTING_FOLDERS")

    def _too_large(self, cap: int, unit: str, setting: str) -> ListingTooLargeError:
        return ListingTooLargeError(
            f"Stopped listing {self.what} after {cap:,} {unit}: ClassPlus kept sending more. "
            f"No real listing is that large, so this looks like a fault upstream; if yours "
            f"really is, raise {setting}."
        )


async def all_pages(
    read: PageReader[T], key: Callable[[T], Hashable], budget: ListingBudget
) -> list[T]:
    """Every row from offset 0 on, each key once, in the order served."""
    kept: list[T] = []
    seen: set[Hashable] = set()
    offset = 0
    while True:
        budget.take_page()
        rows, total = await read(offset)
        fresh = []
        for row in rows:
            if (k := key(row)) not in seen:
                seen.add(k)
                fresh.append(row)
        if not fresh:
            return kept
        budget.take_items(len(fresh))
        kept.extend(fresh)
        offset += len(rows)
        if total is not None and offset >= total:
            return kept
