"""Long work (download and send, download-all, sync) runs as tracked tasks, one per user, so
a chat handler returns at once and /cancel can stop the work wherever it is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from cpbatch.application.logs import bound, get_logger

log = get_logger(__name__)

JobBody = Callable[[], Coroutine[Any, Any, None]]


class JobManager:
    """Owns every job's task. `max_jobs` bounds how many do their heavy part at once (inside
    `slot()`); jobs beyond it wait their turn, and can be cancelled while they wait."""

    def __init__(self, max_jobs: int) -> None:
        self._max_jobs = max_jobs
        self._slots = asyncio.Semaphore(max_jobs)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._running = 0
        self._closing = False
        self.peak_running = 0

    @property
    def max_jobs(self) -> int:
        return self._max_jobs

    @property
    def running(self) -> int:
        """Jobs inside their slot now."""
        return self._running

    @property
    def active(self) -> int:
        """Jobs started and not finished, running or waiting for a slot."""
        return len(self._tasks)

    @property
    def closing(self) -> bool:
        """True once shutdown began: no new job starts."""
        return self._closing

    def has_job(self, user_id: int) -> bool:
        return user_id in self._tasks

    def start(self, user_id: int, kind: str, body: JobBody) -> bool:
        """Run `body` as this user's job; False (and nothing started) if they already have one."""
        if user_id in self._tasks or self._closing:
            return False
        # The task copies the context as it is created: every line of the job carries these
        # fields and those bound by the update that started it (org, batch).
        with bound(user_id=user_id, job=kind):
            task = asyncio.get_running_loop().create_task(
                self._run(body), name=f"bot-{kind}-{user_id}"
            )
            self._tasks[user_id] = task
            task.add_done_callback(lambda done: self._forget(user_id, done))
            log.info("bot_job_started", active=self.active)
        return True

    def slot_is_free(self) -> bool:
        return not self._slots.locked()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `max_jobs` slots for the heavy part of a job."""
        async with self._slots:
            self._running += 1
            self.peak_running = max(self.peak_running, self._running)
            try:
                yield
            finally:
                self._running -= 1

    async def cancel(self, user_id: int) -> bool:
        """Cancel the user's job and wait until it has cleaned up; False if there was none."""
        task = self._tasks.get(user_id)
        if task is None:
            return False
        task.cancel()
        await asyncio.wait([task])
        return True

    async def drain(self) -> None:
        """Wait until no job is left (jobs started meanwhile are waited for too)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks.values()))

    async def close(self) -> None:
        """Refuse new jobs, cancel every job and wait for their clean-up: for shutdown."""
        self._closing = True
        for task in self._tasks.values():
            task.cancel()
        await self.drain()

    async def _run(self, body: JobBody) -> None:
        try:
            await body()
        except asyncio.CancelledError:
            log.info("bot_job_cancelled")
            raise
        except Exception:  # the body reports its own errors; this is the last line of defence
            log.exception("bot_job_crashed")

    def _forget(self, user_id: int, task: asyncio.Task[None]) -> None:
        if self._tasks.get(user_id) is task:
            del self._tasks[user_id]
