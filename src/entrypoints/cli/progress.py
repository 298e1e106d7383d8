"""Live progress bars for a sync: files done of total, bytes, speed and ETA, plus one bar per
file in flight. Implements the application's SyncProgress listener."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from cpbatch.domain.models import Batch, BatchFile, FileOutcome, Org
from cpbatch.domain.sizes import format_bytes
from cpbatch.entrypoints.cli.safe_text import shown, visible


class RichSyncProgress:
    def __init__(self, console: Console) -> None:
        self._console = console
        self._overall = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files • {task.fields[bytes]} • {task.fields[speed]}"),
            TimeRemainingColumn(),
            console=console,
        )
        self._transfers = Progress(
            TextColumn("  {task.description}", markup=False),
            BarColumn(bar_width=20),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._live = Live(
            Group(self._overall, self._transfers),
            console=console,
            refresh_per_second=8,
            transient=False,
        )
        self._files_task: TaskID | None = None
        self._per_file: dict[str, TaskID] = {}  # by record key: ids repeat across batches
        self._bytes = 0
        self._started = time.monotonic()
        self._listed = 0

    def __enter__(self) -> RichSyncProgress:
        self._live.__enter__()
        self._files_task = self._overall.add_task(
            "Listing batches", total=None, bytes=format_bytes(0), speed=""
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for task in list(self._per_file.values()):
            self._transfers.remove_task(task)
        self._per_file.clear()
        self._live.__exit__(kind, error, trace)

    def batch_listed(self, batch: Batch, files: int) -> None:
        self._listed += files
        self._update(description=f"Listing batches ({self._listed} items)")

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        self._started = time.monotonic()
        self._update(description=f"Syncing {shown(org.name)}", total=files, completed=0)

    def file_started(self, file: BatchFile, size: int | None) -> None:
        self._per_file[file.record_key] = self._transfers.add_task(_short(file.name), total=size)

    def bytes_received(self, file: BatchFile, count: int) -> None:
        self._bytes += count
        task = self._per_file.get(file.record_key)
        if task is not None:
            self._transfers.advance(task, count)
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._update(
            bytes=format_bytes(self._bytes), speed=f"{format_bytes(self._bytes / elapsed)}/s"
        )

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        task = self._per_file.pop(file.record_key, None)
        if task is not None:
            self._transfers.remove_task(task)
        if outcome is FileOutcome.FAILED:
            self._console.print(
                f"[red]✗[/red] {shown(file.name)}: {shown(detail or '')}", highlight=False
            )
        if self._files_task is not None:
            self._overall.advance(self._files_task, 1)

    def _update(self, **fields: object) -> None:
        if self._files_task is not None:
            self._overall.update(self._files_task, **fields)  # type: ignore[arg-type]


def _short(name: str, width: int = 40) -> str:
    name = visible(name)  # printed without markup, but a terminal would still obey controls
    return name if len(name) <= width else name[: width - 1] + "…"
