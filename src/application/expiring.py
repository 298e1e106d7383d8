"""A bounded store whose entries expire: for per-user state and memos, owned by whoever
builds it (never global), with an injected clock."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringStore(Generic[K, V]):
    """A dict whose entries vanish `ttl_s` after they were last put, and beyond `max_entries`
    (least recently put first). Expired entries are dropped as new ones arrive."""

    def __init__(
        self, ttl_s: float, clock: Callable[[], float], *, max_entries: int = 100_000
    ) -> None:
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._ttl_s = ttl_s
        self._clock = clock
        self._max_entries = max_entries

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._expired(entry[0]):
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        # Entries are ordered by when they were put, so the expired ones are at the front.
        while self._entries:
            oldest_key, (stored_at, _) = next(iter(self._entries.items()))
            if not self._expired(stored_at) and len(self._entries) <= self._max_entries:
                break
            del self._entries[oldest_key]

    def pop(self, key: K) -> V | None:
        entry = self._entries.pop(key, None)
        return None if entry is None or self._expired(entry[0]) else entry[1]

    def __len__(self) -> int:
        return len(self._entries)

    def _expired(self, stored_at: float) -> bool:
        return not math.isinf(self._ttl_s) and self._clock() - stored_at >= self._ttl_s
