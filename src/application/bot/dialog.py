"""What the conversation's flows share: the chat, each user's pending question, and the rule
that a wrongly typed answer gets one more chance (policy.max_attempts in all)."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

from cpbatch.application.bot import texts
from cpbatch.application.bot.events import IncomingMessage
from cpbatch.application.bot.state import Step
from cpbatch.application.expiring import ExpiringStore
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import ChatPort, Keyboard
from cpbatch.domain.identifiers import looks_like_access_token

log = get_logger(__name__)
_REMEMBERED_DELETIONS = 4096


class Dialog:
    def __init__(self, chat: ChatPort, steps: ExpiringStore[int, Step], max_attempts: int) -> None:
        self.chat = chat
        self._steps = steps
        self._max_attempts = max_attempts
        # Messages already deleted (the scrubber runs first, the flows may ask again): bounded.
        self._deleted: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def say(self, chat_id: int, text: str, keyboard: Keyboard | None = None) -> int:
        return await self.chat.send_text(chat_id, text, keyboard)

    def pending(self, user_id: int) -> Step | None:
        return self._steps.get(user_id)

    def expect(self, user_id: int, step: Step) -> None:
        self._steps.put(user_id, step)

    def forget(self, user_id: int) -> Step | None:
        return self._steps.pop(user_id)

    async def retry_or_stop(
        self,
        event: IncomingMessage,
        step: Step,
        reason: str,
        restart: str,
        *,
        costs_attempt: bool = True,
    ) -> None:
        """Ask again if the user was answering `step` and attempts are left, else drop the
        question and say how to start over. A command's own argument (`/getbatches abc`) answers
        no question: it gets no second chance, so the bot never waits for an unasked answer."""
        asked = self.pending(event.user_id) == step
        again = asked and (not costs_attempt or step.attempt < self._max_attempts)
        if again:
            attempt = step.attempt + 1 if costs_attempt else step.attempt
            self.expect(event.user_id, dataclasses.replace(step, attempt=attempt))
        else:
            self.forget(event.user_id)
        await self.say(event.chat_id, texts.try_again(reason, again, restart))

    async def delete_secret(self, event: IncomingMessage) -> None:
        """Remove a message that carries a token or a one-time code, before anything else."""
        key = (event.chat_id, event.message_id)
        if key in self._deleted:
            return
        self._deleted[key] = None
        if len(self._deleted) > _REMEMBERED_DELETIONS:
            self._deleted.popitem(last=False)
        try:
            await self.chat.delete_message(event.chat_id, event.message_id)
        except Exception:  # still go on: the login itself must not fail over this
            log.warning("bot_secret_message_not_deleted", exc_info=True)


def looks_like_token(text: str) -> bool:
    """True for text shaped like a ClassPlus access token (which must not stay in the chat),
    damaged ones included."""
    return looks_like_access_token(text)
