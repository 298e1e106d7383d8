"""Keeps the bounded cache's evictions apart from the moments a blob file must stay put.

A put renames its finished temp file into place inside FilesystemBlobStore, where the cache
cannot see it; if an eviction deleted that same blob (an older copy of identical content)
right then, the put would report a blob that is gone. So puts hold the gate from the end of
their stream until they return, reads while opening the file, exports while copying it,
stats while looking: many at once. An eviction step waits until none of them holds it, and
none can start while it deletes. Blob users are preferred (an eviction only waits), so a
put never waits behind a long export; the cap may be exceeded briefly meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class EvictionGate:
    def __init__(self) -> None:
        self._users = 0
        self._evicting = False
        self._idle = asyncio.Event()  # set exactly when there are no users
        self._idle.set()
        self._open = asyncio.Event()  # set exactly when no eviction is running
        self._open.set()

    async def enter(self) -> None:
        """Become a user of blob files; waits while an eviction step runs. Pair with leave()."""
        while self._evicting:
            await self._open.wait()
        self._users += 1
        self._idle.clear()

    def leave(self) -> None:
        self._users -= 1
        if self._users == 0:
            self._idle.set()

    @asynccontextmanager
    async def using(self) -> AsyncIterator[None]:
        await self.enter()
        try:
            yield
        finally:
            self.leave()

    @asynccontextmanager
    async def evicting(self) -> AsyncIterator[None]:
        """Exclusive: no user holds the gate, and no other eviction step runs."""
        while self._users or self._evicting:
            await (self._idle if self._users else self._open).wait()
        self._evicting = True
        self._open.clear()
        try:
            yield
        finally:
            self._evicting = False
            self._open.set()
