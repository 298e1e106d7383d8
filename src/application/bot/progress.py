"""One chat message that shows a job's progress, edited at most every `interval_s` seconds
(the final word is always shown). Edits are best effort: a failed edit never fails the job."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from cpbatch.application.bot import texts
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import ChatPort, SyncProgress
from cpbatch.domain.models import Batch, BatchFile, FileOutcome, Org

log = get_logger(__name__)


class ProgressMessage:
    def __init__(
        self,
        chat: ChatPort,
        chat_id: int,
        message_id: int,
        clock: Callable[[], float],
        interval_s: float,
    ) -> None:
        self._chat = chat
        self._chat_id = chat_id
        self._message_id = message_id
        self._clock = clock
        self._interval_s = interval_s
        self._last_edit = clock()  # the message itself was just sent
        self._shown: str | None = None
        self._pending: asyncio.Task[None] | None = None
        self.heading = ""  # what is being worked on, e.g. "notes.pdf" or "3 of 10 · notes.pdf"
        self._verb = texts.PREPARING
        self._phase_started = self._last_edit

    @classmethod
    async def send(
        cls, chat: ChatPort, chat_id: int, text: str, clock: Callable[[], float], interval_s: float
    ) -> ProgressMessage:
        message_id = await chat.send_text(chat_id, text)
        progress = cls(chat, chat_id, message_id, clock, interval_s)
        progress._shown = text
        return progress

    def phase(self, verb: str) -> None:
        """A new transfer begins (downloading, uploading part 2 of 3...): speed restarts."""
        self._verb = verb
        self._phase_started = self._clock()

    def update(self, done: int, total: int | None) -> None:
        """Note transfer progress (bytes done of total) for the current phase."""
        self.show(
            lambda now: texts.transfer(
                self.heading, self._verb, done, total, now - self._phase_started
            )
        )

    def show(self, render: Callable[[float], str]) -> None:
        """Edit the message to `render(now)` in the background if the last edit is old enough.
        Never waits, so it can be called from synchronous progress listeners."""
        now = self._clock()
        if now - self._last_edit < self._interval_s:
            return
        if self._pending is not None and not self._pending.done():
            return
        self._last_edit = now
        self._pending = asyncio.get_running_loop().create_task(self._edit(render(now)))

    async def finish(self, text: str) -> None:
        """Show the final word now, dropping any progress edit still on its way."""
        if self._pending is not None and not self._pending.done():
            self._pending.cancel()
            await asyncio.wait([self._pending])
        self._last_edit = self._clock()
        await self._edit(text)

    async def _edit(self, text: str) -> None:
        if text == self._shown:
            return
        try:
            await self._chat.edit_text(self._chat_id, self._message_id, text)
        except Exception:  # progress is cosmetic: log and carry on
            log.warning("bot_progress_edit_failed", exc_info=True)
            return
        self._shown = text


class DownloadListener(SyncProgress):
    """Turns a use case's download progress into progress-message updates."""

    def __init__(self, progress: ProgressMessage) -> None:
        self._progress = progress
        self._received = 0
        self._size: int | None = None

    def batch_listed(self, batch: Batch, files: int) -> None:
        pass

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        pass

    def file_started(self, file: BatchFile, size: int | None) -> None:
        self._received, self._size = 0, size
        self._progress.phase(texts.DOWNLOADING)

    def bytes_received(self, file: BatchFile, count: int) -> None:
        self._received += count
        self._progress.update(self._received, self._size)

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        pass


class SilentProgress(ProgressMessage):
    """For sends nobody asked for right now (a watched batch's new file): no progress
    message is shown; the document arrives on its own."""

    def __init__(self, chat: ChatPort, chat_id: int, clock: Callable[[], float]) -> None:
        super().__init__(chat, chat_id, 0, clock, interval_s=0.0)

    def show(self, render: Callable[[float], str]) -> None:
        pass

    async def finish(self, text: str) -> None:
        pass
