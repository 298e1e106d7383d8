"""The bot as `cpbatch bot` composes it — container, SQLite, Fernet, the ClassPlus adapter
against the simulator, the conversation and the Pyrogram adapter — with only the Telegram
network replaced: real pyrogram update objects in, recorded client calls out."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from telegram_double import FakeTelegramClient

from adapters.crypto import generate_secret_key
from entrypoints.bot_config import BotSettings
from entrypoints.bot_container import BotContainer
from entrypoints.bot_runner import serve_bot
from entrypoints.config import load_settings
from entrypoints.simulator import Simulator, run_simulator

ADMIN = 4242
FREE_COURSE = 41004  # the demo world's free course in learnwell


@dataclass
class RunningBot:
    sim: Simulator
    client: FakeTelegramClient
    data_dir: Path


async def eventually(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with run_simulator() as sim:
        settings = load_settings(
            {
                "CLASSPLUS_BASE_URL": sim.base_url,
                "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
                "CLASSPLUS_ALLOW_LOOPBACK": "true",
                "RATE_LIMIT_REQUESTS": "500",
                "DATA_DIR": str(tmp_path),
            },
            env_file=None,
        )
        bot_settings = BotSettings(
            bot_token="123456:" + "A" * 35,
            api_id=12345,
            api_hash="0" * 32,
            secret_key=generate_secret_key(),
            admin_user_ids=frozenset({ADMIN}),
            progress_interval_s=1.0,
        )
        container = BotContainer(settings=settings, bot_settings=bot_settings)
        client = FakeTelegramClient()

        async def started_client() -> AsyncIterator[FakeTelegramClient]:
            yield client  # the real resource starts and stops a pyrogram Client here

        container.telegram_client.override(providers.Resource(started_client))
        stop: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        serving = asyncio.create_task(serve_bot(container, settings, stop))
        await eventually(lambda: len(client.handlers) == 2 or serving.done())
        if serving.done():
            serving.result()  # raises what stopped it
        try:
            yield RunningBot(sim, client, tmp_path)
        finally:
            stop.set_result(None)
            await asyncio.wait_for(serving, timeout=10)


async def test_a_pasted_token_is_verified_stored_encrypted_and_its_message_deleted(
    bot: RunningBot,
) -> None:
    token = bot.sim.token_for("learnwell")

    message_id = await bot.client.type(ADMIN, f"/token learnwell {token}")

    await eventually(lambda: (ADMIN, message_id) in bot.client.deleted)
    stored = b"".join(p.read_bytes() for p in bot.data_dir.glob("metadata.sqlite3*"))
    assert token.encode() not in stored
    assert token.split(".")[1].encode() not in stored
    assert not any(token in text for _, text in bot.client.texts + bot.client.edits)


async def test_sync_sends_exactly_the_entitled_files_then_reuses_their_telegram_ids(
    bot: RunningBot,
) -> None:
    await bot.client.type(ADMIN, f"/token learnwell {bot.sim.token_for('learnwell')}")
    expected = Counter(
        entry["sha256"]
        for entry in await bot.sim.manifest_async("learnwell")
        if entry["batch_id"] == FREE_COURSE
    )
    assert expected

    await bot.client.type(ADMIN, f"/sync learnwell {FREE_COURSE}")
    await eventually(lambda: len(bot.client.documents) == sum(expected.values()))

    assert Counter(d.sha256 for d in bot.client.documents) == expected
    assert all(not d.by_id for d in bot.client.documents)

    first_upload = bot.client.uploaded_bytes
    bot.client.documents.clear()
    bot.sim.stats.reset()
    await asyncio.sleep(0.2)  # let the first job finish and release the user's slot
    await bot.client.type(ADMIN, f"/sync learnwell {FREE_COURSE}")
    await eventually(lambda: len(bot.client.documents) == sum(expected.values()))

    assert all(d.by_id for d in bot.client.documents)
    assert bot.client.uploaded_bytes == first_upload
    assert bot.sim.stats.file_bytes_sent == 0


async def test_a_stranger_gets_one_polite_refusal_and_then_silence(bot: RunningBot) -> None:
    await bot.client.type(999, "/start")
    await bot.client.type(999, "/getbatches learnwell")

    assert len([t for chat, t in bot.client.texts if chat == 999]) == 1


async def test_with_port_set_the_health_endpoint_reports_storage_and_bot(tmp_path: Path) -> None:
    import aiohttp

    async with run_simulator() as sim:
        settings = load_settings(
            {
                "CLASSPLUS_BASE_URL": sim.base_url,
                "CLASSPLUS_ALLOW_LOOPBACK": "true",
                "DATA_DIR": str(tmp_path),
            },
            env_file=None,
        )
        with socket.socket() as probe:  # a free port, as a platform would assign one
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        bot_settings = BotSettings(
            bot_token="123456:" + "A" * 35,
            api_id=12345,
            api_hash="0" * 32,
            secret_key=generate_secret_key(),
            admin_user_ids=frozenset({ADMIN}),
            port=port,
        )
        container = BotContainer(settings=settings, bot_settings=bot_settings)
        client = FakeTelegramClient()

        async def started_client() -> AsyncIterator[FakeTelegramClient]:
            yield client

        container.telegram_client.override(providers.Resource(started_client))
        stop: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        serving = asyncio.create_task(serve_bot(container, settings, stop))
        try:
            async with aiohttp.ClientSession() as http:
                await eventually(lambda: len(client.handlers) == 2 or serving.done())
                body, status = await _poll_health(http, port, serving)
                assert status == 200
                assert body["storage"] == "ok"
                assert body["bot"] == "connected"
                client.is_connected = False
                body, status = await _poll_health(http, port, serving)
                assert status == 503
                assert body["bot"] == "disconnected"
        finally:
            stop.set_result(None)
            await asyncio.wait_for(serving, timeout=10)


async def _poll_health(http: Any, port: int, serving: asyncio.Task[None]) -> tuple[Any, int]:
    for _ in range(100):
        assert not serving.done(), serving.exception()
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                return await response.json(), response.status
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("the health endpoint never answered")
