"""TelegramRetry awaits what it is given, whatever kind of callable gives it."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from functools import partial
from typing import Any

import pyrogram
import pytest
from pyrogram import errors

from cpbatch.adapters.telegram.retry import TelegramRetry
from cpbatch.domain.errors import DeliveryError


async def _no_sleep(_: float) -> None:
    return None


def test_pyrogram_public_methods_are_not_coroutine_functions() -> None:
    # The premise of the regression below: pyrogram's sync wrapper makes every public Client
    # method a plain function that returns a coroutine.
    client = pyrogram.Client("premise", in_memory=True)
    assert not inspect.iscoroutinefunction(client.send_message)
    assert not inspect.iscoroutinefunction(partial(client.send_message, 1, "x"))


async def test_a_plain_function_returning_a_coroutine_is_awaited() -> None:
    async def sent() -> str:
        return "message"

    def wrapper() -> Coroutine[Any, Any, str]:  # as pyrogram.sync wraps Client methods
        return sent()

    result = await TelegramRetry(sleep=_no_sleep).run("send_text", wrapper)
    assert result == "message"


async def test_a_wrapper_that_fails_transiently_is_retried_and_awaited_each_time() -> None:
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise errors.InternalServerError("boom")
        return "done"

    def wrapper() -> Coroutine[Any, Any, str]:
        return flaky()

    result = await TelegramRetry(retries=3, sleep=_no_sleep).run("edit_text", wrapper)
    assert result == "done"
    assert len(attempts) == 3


async def test_an_unexpected_error_is_final_and_named_without_its_message() -> None:
    async def buggy() -> str:
        raise RuntimeError("internal detail")

    with pytest.raises(DeliveryError, match=r"Could not send a message \(RuntimeError\)") as err:
        await TelegramRetry(sleep=_no_sleep).run("send_text", buggy)

    assert "internal detail" not in str(err.value)


async def test_cancellation_is_never_swallowed() -> None:
    calls: list[int] = []

    async def cancelled() -> str:
        calls.append(1)
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await TelegramRetry(sleep=_no_sleep).run("send_text", cancelled)

    assert calls == [1]


async def test_a_send_is_never_repeated_after_pyrogram_gave_up() -> None:
    attempts: list[int] = []

    async def gave_up() -> str:
        attempts.append(1)
        raise TimeoutError("Failed to invoke after 10 retries")

    with pytest.raises(DeliveryError, match="could not be reached to send the file"):
        await TelegramRetry(retries=3, sleep=_no_sleep).run("send_document", gave_up)

    assert attempts == [1]
