"""A user's long job with its one progress message: waiting for a slot, working, and a final
word — the result, the reason it failed, or "Cancelled" when /cancel stopped it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from cpbatch.application.bot import texts
from cpbatch.application.bot.jobs import JobManager
from cpbatch.application.bot.progress import ProgressMessage
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import ChatPort
from cpbatch.domain.errors import CpbatchError, StorageError

log = get_logger(__name__)

Work = Callable[[ProgressMessage], Awaitable[str]]  # does the job; returns the final word


class ChatJobRunner:
    def __init__(
        self,
        chat: ChatPort,
        jobs: JobManager,
        clock: Callable[[], float],
        progress_interval_s: float,
    ) -> None:
        self._chat = chat
        self._jobs = jobs
        self._clock = clock
        self._interval_s = progress_interval_s

    def busy(self, user_id: int) -> bool:
        return self._jobs.has_job(user_id)

    def start(
        self, user_id: int, chat_id: int, kind: str, heading: str, org_code: str, work: Work
    ) -> bool:
        """Start the job in the background; False if the user already has one running."""

        async def body() -> None:
            first = (
                texts.preparing(heading)
                if self._jobs.slot_is_free()
                else texts.waiting_for_slot(heading)
            )
            progress = await ProgressMessage.send(
                self._chat, chat_id, first, self._clock, self._interval_s
            )
            progress.heading = heading
            try:
                async with self._jobs.slot():
                    final = await work(progress)
            except asyncio.CancelledError:
                await progress.finish(texts.CANCELLED)
                raise
            except Exception as error:
                if isinstance(error, StorageError):  # the user sees a generic reason
                    log.error("bot_job_storage_failed", error=str(error))
                elif isinstance(error, CpbatchError):
                    log.info("bot_job_failed", error=error.kind)
                else:
                    log.exception("bot_job_failed")
                final = f"❌ {heading}: {texts.explain(error, org_code)}"
            await progress.finish(final)

        return self._jobs.start(user_id, kind, body)
