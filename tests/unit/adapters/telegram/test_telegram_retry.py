"""TelegramRetry awaits what it is given, whatever kind of callable gives it."""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from functools import partial
from typing import Any

import pyrogram
from pyrogram import errors

from adapters.telegram.retry import TelegramRetry


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

    result = await TelegramRetry(retries=3, sleep=_no_sleep).run("send_text", wrapper)
    assert result == "done"
    assert len(attempts) == 3
