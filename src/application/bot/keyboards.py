"""Inline keyboards: batches with pagination, and a batch's folders with navigation. Every
button's data is a fresh opaque key from the caller's registry, bound to the user."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cpbatch.application.bot import browse_texts, watch_texts
from cpbatch.application.bot.callbacks import (
    Action,
    DownloadAll,
    Ignore,
    PickFile,
    ShowBatches,
    ShowFolder,
    WatchThis,
)
from cpbatch.application.bot.folders import FolderView, Page, SubFolder
from cpbatch.application.ports import Button, Keyboard
from cpbatch.domain.models import Batch, FileKind

Issue = Callable[[Action], str]


def batches_keyboard(issue: Issue, org_code: str, batches: Sequence[Batch], page: Page) -> Keyboard:
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                browse_texts.batch_button(batch.name, batch.file_count, not batch.downloadable),
                issue(ShowFolder(org_code, batch.key, (), 0, page.number)),
            ),
        )
        for batch in batches[page.start : page.stop]
    ]
    rows.extend(_navigation(issue, page, lambda n: ShowBatches(org_code, n)))
    return tuple(rows)


def folder_keyboard(
    issue: Issue, at: ShowFolder, view: FolderView, page: Page, sizes: Mapping[int, int]
) -> Keyboard:
    """`sizes`: the known sizes of the view's files, by file id."""
    rows: list[tuple[Button, ...]] = []
    for entry in view.entries[page.start : page.stop]:
        if isinstance(entry, SubFolder):
            target = ShowFolder(
                at.org_code, at.batch_key, (*at.folder, entry.name), 0, at.batches_page
            )
            label = browse_texts.folder_button(entry.name, entry.items)
            rows.append((Button(label, issue(target)),))
        else:
            label = browse_texts.file_button(
                entry.name, sizes.get(entry.id), entry.downloadable, entry.kind is FileKind.VIDEO
            )
            rows.append((Button(label, issue(PickFile(at.org_code, at.batch_key, entry.id))),))
    if view.downloadable:
        known = [sizes[f.id] for f in view.downloadable if f.id in sizes]
        unknown = len(view.downloadable) - len(known)
        label = browse_texts.download_all(len(view.downloadable), sum(known), unknown)
        rows.append((Button(label, issue(DownloadAll(at.org_code, at.batch_key, at.folder))),))
    rows.extend(
        _navigation(
            issue,
            page,
            lambda n: ShowFolder(at.org_code, at.batch_key, at.folder, n, at.batches_page),
        )
    )
    bottom = []
    if not at.folder:  # a batch's top folder: watch the whole batch
        bottom.append(Button(watch_texts.WATCH_BUTTON, issue(WatchThis(at.org_code, at.batch_key))))
    if at.folder:
        parent = ShowFolder(at.org_code, at.batch_key, at.folder[:-1], 0, at.batches_page)
        bottom.append(Button(browse_texts.UP, issue(parent)))
    bottom.append(Button(browse_texts.BACK, issue(ShowBatches(at.org_code, at.batches_page))))
    rows.append(tuple(bottom))
    return tuple(rows)


def _navigation(issue: Issue, page: Page, to: Callable[[int], Action]) -> list[tuple[Button, ...]]:
    if page.count == 1:
        return []
    row = []
    if page.number > 0:
        row.append(Button(browse_texts.PREV, issue(to(page.number - 1))))
    row.append(Button(browse_texts.page_counter(page.number, page.count), issue(Ignore())))
    if page.number < page.count - 1:
        row.append(Button(browse_texts.NEXT, issue(to(page.number + 1))))
    return [tuple(row)]
