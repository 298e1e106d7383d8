"""Per-user conversation state: what the bot is waiting for, kept in a store that forgets.

Nothing here is global: the conversation owns one store of each kind, with an injected clock."""

from __future__ import annotations

import asyncio
import math
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from domain.models import Org

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


# -- what a user's next plain-text message answers -------------------------------------------

Purpose = Literal["browse", "login", "token"]


@dataclass(frozen=True, slots=True)
class AwaitingOrgCode:
    purpose: Purpose
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class AwaitingMobile:
    org: Org
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class AwaitingOtp:
    org: Org
    mobile: str
    session_id: str
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class AwaitingToken:
    org: Org
    attempt: int = 1


Step = AwaitingOrgCode | AwaitingMobile | AwaitingOtp | AwaitingToken


class UserLocks:
    """One lock per user, so one user's messages are handled in order while other users are
    not held up. A lock nobody holds or waits for is dropped by the garbage collector."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def of(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock
