"""The one retry policy of the Telegram adapter, and what a final failure becomes.

FloodWait (and its premium and slow-mode kin) above the client's sleep threshold reaches us:
we wait what Telegram asks, capped, then try again, a bounded number of times. Transport
failures, timeouts and Telegram's 5xx are retried with jittered exponential backoff (pyrogram
has already retried them at the session level). Every other error is final and becomes a
DeliveryError whose message a user can read. Cancellation is never caught.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from pyrogram import errors
from pyrogram.errors.rpc_error import RPCError  # not re-exported for type checkers
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from cpbatch.domain.errors import DeliveryError

log = structlog.get_logger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

FLOODS = (errors.FloodWait, errors.FloodPremiumWait, errors.SlowmodeWait)
_LOCAL_FILE_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
_UNKNOWN_FLOOD_S = 5.0
_UNKNOWN_RPC = re.compile(r"\[\d+ ([A-Z][A-Z0-9_]*)\]")
_WHAT = {
    "send_text": "send a message",
    "edit_text": "update a message",
    "delete_message": "delete a message",
    "answer_callback": "answer a button press",
    "send_document": "send the file",
}
_REFUSALS = {
    "USER_IS_BLOCKED": "The user has blocked the bot.",
    "INPUT_USER_DEACTIVATED": "That Telegram account has been deleted.",
    "PEER_ID_INVALID": "The bot cannot write to that chat yet; open the bot and send /start.",
    "CHAT_WRITE_FORBIDDEN": "The bot is not allowed to write to that chat.",
}


def rpc_name(exc: RPCError) -> str:
    """Telegram's name for the error: pyrogram's ID, or for an error its table does not know
    (value "[400 SOME_NEW_ERROR]") the name Telegram sent, not the generic "Bad Request"."""
    if exc.ID:
        return str(exc.ID)
    found = _UNKNOWN_RPC.search(str(exc.value))
    return found.group(1) if found else str(exc.NAME)


_SENDS = frozenset({"send_text", "send_document"})


def worth_retrying(op: str, exc: BaseException) -> bool:
    """Transient failures, except for sends: pyrogram has already tried a send ten times
    (its session retries 5xx and transport errors), and once it gives up the message may
    still have gone out; a reported failure is better than a duplicate. Edits, deletions and
    button answers can safely be repeated."""
    return op not in _SENDS and is_transient(exc)


def is_transient(exc: BaseException) -> bool:
    """Transport errors, timeouts (both OSError) and Telegram 5xx; never a local file error."""
    if isinstance(exc, errors.InternalServerError | errors.ServiceUnavailable):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, _LOCAL_FILE_ERRORS)


def flood_seconds(exc: RPCError) -> float:
    """The wait Telegram asked for; pyrogram keeps it in `.value` (an int, rarely a str)."""
    value = exc.value
    if isinstance(value, str) and value.isdecimal():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return max(0.0, float(value))
    return _UNKNOWN_FLOOD_S


class TelegramRetry:
    def __init__(
        self,
        *,
        retries: int = 3,
        flood_wait_cap_s: float = 300.0,
        max_flood_waits: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._retries = max(0, retries)  # retries after the first try
        self._flood_cap_s = flood_wait_cap_s
        self._max_flood_waits = max_flood_waits
        self._backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s
        self._sleep = sleep

    async def run(self, op: str, call: Callable[[], Awaitable[T]]) -> T:
        """`call()` until it succeeds; raises DeliveryError (chained to the cause) otherwise."""
        floods = 0
        while True:
            try:
                return await self._with_backoff(op, call)
            except FLOODS as exc:
                floods += 1
                seconds = flood_seconds(exc)
                if floods > self._max_flood_waits:
                    log.warning("telegram_flood_gave_up", op=op, seconds=seconds, waits=floods - 1)
                    raise DeliveryError(
                        f"Telegram is limiting how fast the bot may {_what(op)}; "
                        f"try again in {_duration(seconds)}."
                    ) from exc
                wait = min(seconds, self._flood_cap_s)
                log.warning("telegram_flood_wait", op=op, seconds=seconds, wait_s=wait, n=floods)
                await self._sleep(wait)
            except DeliveryError:
                raise
            except Exception as exc:
                raise self._final(op, exc) from exc

    async def _with_backoff(self, op: str, call: Callable[[], Awaitable[T]]) -> T:
        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning(
                "telegram_retry",
                op=op,
                attempt=state.attempt_number,
                wait_s=round(state.next_action.sleep, 3) if state.next_action else None,
                reason=type(exc).__name__ if exc else None,
            )

        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda exc: worth_retrying(op, exc)),
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_random_exponential(multiplier=self._backoff_s, max=self._max_backoff_s),
            sleep=self._sleep,
            before_sleep=before_sleep,
            reraise=True,
        )

        async def attempt() -> T:
            # tenacity calls a callable that is not a coroutine function synchronously and
            # takes its return value as the result; pyrogram's public methods are such
            # callables (sync wrappers returning a coroutine), so always await here.
            return await call()

        result: T = await retrying(attempt)
        return result

    def _final(self, op: str, exc: Exception) -> DeliveryError:
        rpc_id = rpc_name(exc) if isinstance(exc, RPCError) else None
        unexpected = rpc_id is None and not is_transient(exc)
        log.warning(
            "telegram_call_failed",
            op=op,
            error=type(exc).__name__,
            rpc=rpc_id,
            exc_info=unexpected,  # a bug deserves its traceback; Telegram's refusals do not
        )
        if rpc_id is not None:
            refusal = _REFUSALS.get(rpc_id, f"Telegram refused to {_what(op)} ({rpc_id}).")
            return DeliveryError(refusal)
        if is_transient(exc) and op in _SENDS:
            return DeliveryError(f"Telegram could not be reached to {_what(op)}; try again later.")
        if is_transient(exc):
            tries = self._retries + 1
            return DeliveryError(
                f"Telegram could not be reached to {_what(op)} ({tries} tries); try again later."
            )
        return DeliveryError(f"Could not {_what(op)} ({type(exc).__name__}).")


def _duration(seconds: float) -> str:
    return f"{math.ceil(seconds / 60)} min" if seconds >= 120 else f"{math.ceil(seconds)} s"


def _what(op: str) -> str:
    return _WHAT.get(op, op.replace("_", " "))
