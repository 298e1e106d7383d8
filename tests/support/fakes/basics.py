"""Tokens, a clock that moves when told, and a progress listener that records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import (
    Batch,
    BatchFile,
    FileOutcome,
    Org,
)


def make_token(label: str = "a") -> AccessToken:
    """A token-shaped string built at runtime (its claims: `{}`); `label` tells users apart
    (letters only)."""
    return AccessToken.parse("eyJ" + label * 10 + ".e30.c")


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingProgress:
    """SyncProgress that keeps what it was told; `events` keeps (event, file id) in order."""

    events: list[tuple[str, int]] = field(default_factory=list)
    listed: dict[int, int] = field(default_factory=dict)  # batch id -> items
    planned: list[tuple[int, int]] = field(default_factory=list)  # (files, known bytes)
    started: dict[int, int | None] = field(default_factory=dict)  # file id -> announced size
    received: Counter[int] = field(default_factory=Counter)  # file id -> bytes
    finished: dict[int, tuple[FileOutcome, str | None]] = field(default_factory=dict)

    def batch_listed(self, batch: Batch, files: int) -> None:
        self.listed[batch.id] = files

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        self.planned.append((files, known_bytes))

    def file_started(self, file: BatchFile, size: int | None) -> None:
        self.events.append(("file_started", file.id))
        self.started[file.id] = size

    def bytes_received(self, file: BatchFile, count: int) -> None:
        self.events.append(("bytes_received", file.id))
        self.received[file.id] += count

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        self.events.append(("file_finished", file.id))
        self.finished[file.id] = (outcome, detail)
