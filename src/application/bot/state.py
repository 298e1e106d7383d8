"""Per-user conversation state: what the bot is waiting for (kept in an ExpiringStore the
conversation owns), and one lock per user. Nothing here is global."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Literal

from cpbatch.domain.models import Org

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
