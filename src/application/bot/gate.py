"""Every update passes here first: strangers are refused once then ignored, and users over
their request rate are told once, politely, then ignored until the bucket refills."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from cpbatch.application.bot import texts
from cpbatch.application.bot.access import AccessControl, Entry
from cpbatch.application.bot.rate_limit import Admission, RequestRateLimiter
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import ChatPort

log = get_logger(__name__)


class Gate:
    def __init__(
        self,
        chat: ChatPort,
        access: AccessControl,
        limiter: RequestRateLimiter,
    ) -> None:
        self._chat = chat
        self._access = access
        self._limiter = limiter

    async def admit(
        self,
        user_id: int,
        chat_id: int,
        callback_id: str | None = None,
        before_limit: Callable[[], Awaitable[None]] | None = None,
    ) -> bool:
        """True if the update may be handled; otherwise the refusal (if any) is already sent,
        as a reply or as the button's answer. `before_limit` runs first, for every user, even
        when access or the rate limit then drops the update (it deletes secrets from the chat)."""
        if before_limit is not None:
            # First, for everyone (strangers too): a pasted secret leaves the chat whatever the
            # answer is going to be.
            await before_limit()
        entry = self._access.check(user_id)
        if entry is Entry.IGNORE:
            return False
        if entry is Entry.REFUSE:
            await self._tell(chat_id, callback_id, texts.REFUSAL)
            return False
        admission = self._limiter.admit(user_id)
        if admission is Admission.ALLOWED:
            return True
        log.info("bot_rate_limited", admission=admission.name.lower())
        if admission is Admission.LIMITED:
            await self._tell(
                chat_id, callback_id, texts.rate_limited(self._limiter.retry_after_s())
            )
        elif callback_id is not None:
            await self._chat.answer_callback(callback_id)  # stop the button's spinner, quietly
        return False

    async def _tell(self, chat_id: int, callback_id: str | None, text: str) -> None:
        if callback_id is None:
            await self._chat.send_text(chat_id, text)
        else:
            await self._chat.answer_callback(callback_id, text, alert=True)


def parse_command(text: str) -> tuple[str | None, list[str]]:
    """'/getbatches@MyBot abcde' -> ('getbatches', ['abcde']); plain text -> (None, [])."""
    words = text.split()
    if not words or not words[0].startswith("/") or len(words[0]) == 1:
        return None, []
    return words[0][1:].split("@", 1)[0].lower(), words[1:]
