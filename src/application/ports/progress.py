"""How use cases report progress without knowing who listens (a terminal, a chat, nobody)."""

from __future__ import annotations

from typing import Protocol

from cpbatch.domain.models import Batch, BatchFile, FileOutcome, Org


class SyncProgress(Protocol):
    def batch_listed(self, batch: Batch, files: int) -> None: ...

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        """Called once listing is done: how many files will be looked at."""
        ...

    def file_started(self, file: BatchFile, size: int | None) -> None: ...

    def bytes_received(self, file: BatchFile, count: int) -> None: ...

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None: ...


class NullSyncProgress:
    def batch_listed(self, batch: Batch, files: int) -> None:
        pass

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        pass

    def file_started(self, file: BatchFile, size: int | None) -> None:
        pass

    def bytes_received(self, file: BatchFile, count: int) -> None:
        pass

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        pass
