"""A simulator middleware that makes several processes download the same files at once."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware


class PairedDownloads:
    """Holds each file request until `parties` requests for that same file have arrived, then
    lets them through together.

    With one request per file from each of `parties` processes, no process can finish a
    download before every other one has asked for that file, so none holds a record of it
    when the others plan; every process downloads every file, and their uploads of each blob
    run at the same time. `patience_s` only keeps a process that never comes from hanging the
    test: what it lets through unpaired is counted in `unpaired`.
    """

    def __init__(self, parties: int, patience_s: float = 60.0) -> None:
        self.unpaired = 0
        self._parties = parties
        self._patience_s = patience_s
        self._arrived: Counter[str] = Counter()
        self._together: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def middleware(self) -> Middleware:
        @web.middleware
        async def hold_until_paired(request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.match_info.route.name == "file":
                await self._pair(request.path)
            return await handler(request)

        return hold_until_paired

    async def _pair(self, path: str) -> None:
        self._arrived[path] += 1
        if self._arrived[path] >= self._parties:
            self._together[path].set()
        try:
            await asyncio.wait_for(self._together[path].wait(), self._patience_s)
        except TimeoutError:
            self.unpaired += 1
