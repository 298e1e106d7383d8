"""Watched batches' changes, delivered in the subscriber's chat: each file through the same
path as /sync (by Telegram's id for its bytes, or uploaded once for everyone at that moment),
with a note naming the batch, the folder and whether it is new or updated."""

from __future__ import annotations

from collections.abc import Callable

from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.progress import SilentProgress
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import ChatPort
from cpbatch.application.watch import texts
from cpbatch.domain.errors import DeliveryError
from cpbatch.domain.models import BatchFile, StoredFile
from cpbatch.domain.watch import Change, Subscription

log = get_logger(__name__)


class ChatWatchRecipient:
    def __init__(self, chat: ChatPort, sender: FileSender, clock: Callable[[], float]) -> None:
        self._chat = chat
        self._sender = sender
        self._clock = clock

    async def deliver(
        self, subscription: Subscription, file: BatchFile, stored: StoredFile, change: Change
    ) -> int | None:
        note = texts.note(change, subscription.batch_name, file.folder_path)
        progress = SilentProgress(self._chat, subscription.chat_id, self._clock)
        return await self._sender.send_stored(subscription.chat_id, file, stored, progress, note)

    async def tell(self, subscription: Subscription, text: str) -> None:
        try:
            await self._chat.send_text(subscription.chat_id, text)
        except DeliveryError:  # blocked the bot, say: nothing to do but note it
            log.warning("watch_message_undelivered", user_id=subscription.user_id)
