"""Steps 1-5: what a person says first. The welcome, the help, a stranger turned away once,
and the two logins, each deleting the message that carried the secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cpbatch.application.bot import texts
from support.telegram_e2e.chat import text_of
from support.telegram_e2e.screens import MOBILE, ORG

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

COMMANDS = ("/start", "/help", "/login", "/token", "/logout", "/getbatches", "/sync", "/cancel")


async def test_01_start_says_what_the_bot_does(e2e: TelegramE2E) -> None:
    welcome = text_of(await e2e.admin.ask("/start"))
    assert welcome == texts.WELCOME  # arrives exactly as written: no markup, nothing cut
    assert all(command in welcome for command in ("/login", "/getbatches", "/help"))


async def test_02_help_lists_every_command(e2e: TelegramE2E) -> None:
    help_text = text_of(await e2e.admin.ask("/help"))
    missing = [command for command in (*COMMANDS, "/jobs") if command not in help_text]
    assert not missing, f"/help does not mention {missing}"


async def test_03_a_stranger_hears_one_refusal_then_silence(e2e: TelegramE2E) -> None:
    chat = e2e.stranger
    first = await chat.send("/start")
    replies = await chat.wait_for(first.id)
    assert text_of(replies[0]) == texts.REFUSAL
    for text in ("/help", f"/getbatches {ORG}", "hello?"):
        await chat.send(text)
    later = await chat.quiet(replies[0].id, seconds=5)
    assert [text_of(m) for m in later] == [], "the stranger got more than one refusal"


async def test_04_token_login_deletes_the_pasted_token(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    question = text_of(await chat.ask(f"/token {ORG}"))
    assert "LearnWell Academy" in question
    assert "token" in question.lower(), question
    pasted = await chat.send(e2e.classplus_token)
    answer = text_of((await chat.wait_for(pasted.id))[0])
    assert await chat.wait_deleted(pasted.id), "the message with the token is still in the chat"
    assert "logged in" in answer.lower(), answer


async def test_05_otp_login_deletes_the_code(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    assert "organization code" in text_of(await chat.ask("/login")).lower()
    ask_mobile = text_of(await chat.ask(ORG))
    assert "LearnWell Academy" in ask_mobile
    assert "mobile" in ask_mobile.lower(), ask_mobile
    ask_code = text_of(await chat.ask(MOBILE))
    assert "code" in ask_code.lower(), ask_code
    typed = await chat.send(e2e.otp)
    answer = text_of((await chat.wait_for(typed.id))[0])
    assert await chat.wait_deleted(typed.id), "the message with the one-time code is still there"
    assert "logged in" in answer.lower(), answer
