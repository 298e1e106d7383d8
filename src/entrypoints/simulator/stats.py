"""Counters of what the simulator served, so tests can assert e.g. "no file bytes re-fetched"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class SimulatorStats:
    """`requests` counts by route name (e.g. "courses", "course_content", "file"); missing keys
    read as 0. `file_bytes_sent` counts body bytes of file responses actually written, and
    `file_bytes_by_id` the same per file id."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    file_bytes_sent: int = 0
    file_bytes_by_id: Counter[int] = field(default_factory=Counter)
    file_requests: int = 0
    range_requests: int = 0

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.file_bytes_sent = 0
        self.file_bytes_by_id.clear()
        self.file_requests = 0
        self.range_requests = 0
