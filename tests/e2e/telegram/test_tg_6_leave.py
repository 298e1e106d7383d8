"""Steps 18-19: leaving. /logout forgets the login (browsing asks for one again); the bot
stops cleanly on SIGTERM, and its whole DEBUG log holds none of the secrets this run used."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from support.telegram_e2e.chat import text_of
from support.telegram_e2e.checks import secrets_in_log
from support.telegram_e2e.screens import ORG

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

MAX_FINDINGS_SHOWN = 15


async def test_18_logout_forgets_the_login(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    farewell = text_of(await chat.ask("/logout"))
    assert "logged out" in farewell.lower(), farewell
    browse = text_of(await chat.ask(f"/getbatches {ORG}"))
    assert "not logged in" in browse.lower(), browse
    assert f"/login {ORG}" in browse, browse


async def test_19_the_bot_stops_cleanly_and_its_log_holds_no_secret(e2e: TelegramE2E) -> None:
    assert e2e.bot.stop() == 0
    findings = secrets_in_log(e2e.bot.log_path, e2e.secrets)
    shown = "\n".join(findings[:MAX_FINDINGS_SHOWN])
    assert not findings, f"{len(findings)} secrets in the bot's log (first ones, masked):\n{shown}"
