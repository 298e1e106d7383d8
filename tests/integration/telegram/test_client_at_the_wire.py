"""The bot's Client resource starting, refusing and stopping against the fake data centre:
pyrogram's real start (session, InitConnection, GetState, GetFullUser) and stop."""

from __future__ import annotations

import asyncio
import socket
import stat
from pathlib import Path

import pytest
from pyrogram import raw

from cpbatch.adapters.telegram import telegram_client_resource
from cpbatch.domain.errors import DeliveryError, ValidationError
from support.telegram import FakeTelegramDC, RpcFailure, bot_token_for, write_bot_session
from support.telegram.harness import eventually


def resource(dc_token: str, workdir: Path, **options: object):
    return telegram_client_resource(
        api_id=12345, api_hash="0" * 32, bot_token=dc_token, workdir=workdir, **options
    )


async def test_the_resource_signs_in_and_disconnects_on_shutdown(
    dc: FakeTelegramDC, tmp_path: Path
) -> None:
    workdir = tmp_path / "telegram"
    await write_bot_session(dc, workdir)
    workdir.chmod(0o755)
    (workdir / "cpbatch.session").chmod(0o644)
    running = resource(bot_token_for(dc), workdir)

    client = await anext(running)

    assert client.me is not None
    assert client.me.id == dc.world.bot.id
    # the session holds the auth key: private, even where the folder was made looser
    assert stat.S_IMODE(workdir.stat().st_mode) == 0o700
    assert stat.S_IMODE((workdir / "cpbatch.session").stat().st_mode) == 0o600
    assert any(isinstance(c, raw.functions.updates.GetState) for c in dc.world.calls)
    await running.aclose()
    await eventually(lambda: dc.connections() == 0)


async def test_a_session_saved_for_another_bot_is_refused(
    dc: FakeTelegramDC, tmp_path: Path
) -> None:
    await write_bot_session(dc, tmp_path)
    other_bot_token = "123456:" + "A" * 35

    with pytest.raises(ValidationError, match="belongs to another bot") as err:
        await anext(resource(other_bot_token, tmp_path))

    assert other_bot_token not in str(err.value)
    await eventually(lambda: dc.connections() == 0)


async def test_a_revoked_session_is_refused_with_what_to_do(
    dc: FakeTelegramDC, tmp_path: Path
) -> None:
    await write_bot_session(dc, tmp_path)
    dc.world.fail(raw.functions.updates.GetState, RpcFailure(401, "AUTH_KEY_UNREGISTERED"))

    with pytest.raises(ValidationError, match=r"AUTH_KEY_UNREGISTERED.*delete cpbatch.session"):
        await anext(resource(bot_token_for(dc), tmp_path))

    await eventually(lambda: dc.connections() == 0)


async def test_an_unreachable_telegram_fails_the_start_within_the_timeout(
    dc: FakeTelegramDC, tmp_path: Path
) -> None:
    await write_bot_session(dc, tmp_path)  # then point the session at a closed port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dc.port = closed_port
    await write_bot_session(dc, tmp_path)
    before = {t for t in asyncio.all_tasks() if not t.done()}

    with pytest.raises(DeliveryError, match=r"could not be reached within 1 s"):
        await anext(resource(bot_token_for(dc), tmp_path, start_timeout_s=1.0))

    await asyncio.sleep(1.5)  # pyrogram's reconnect attempts are a second apart
    left = {t for t in asyncio.all_tasks() if not t.done()} - before - {asyncio.current_task()}
    assert left == set(), "the failed start left pyrogram reconnecting in the background"
