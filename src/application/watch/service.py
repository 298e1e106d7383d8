"""The watcher: runs CheckWatches rounds until stopped, sleeping until the next check is due
(never longer than `max_idle_s`, so watches added meanwhile are picked up). A round that fails
unexpectedly is logged and the loop goes on after a pause: watching must outlive one bad round."""

from __future__ import annotations

import asyncio
import contextlib

from cpbatch.application.logs import get_logger
from cpbatch.application.ports.watch import WallClock
from cpbatch.application.watch.check_round import CheckWatches

log = get_logger(__name__)


class Watcher:
    def __init__(
        self,
        rounds: CheckWatches,
        clock: WallClock,
        *,
        max_idle_s: float = 60.0,
        min_idle_s: float = 0.05,
        after_error_s: float = 30.0,
    ) -> None:
        self._rounds = rounds
        self._clock = clock
        self._max_idle_s = max_idle_s
        self._min_idle_s = min_idle_s
        self._after_error_s = after_error_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the schedules now (a watch was added or a user logged in)."""
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled."""
        log.info("watch_started")
        while True:
            try:
                await self._rounds.execute()
                due = await self._rounds.next_due()
                idle = self._max_idle_s if due is None else due - self._clock()
            except Exception:
                log.exception("watch_round_failed")
                idle = self._after_error_s
            await self._sleep(min(max(idle, self._min_idle_s), self._max_idle_s))

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
