"""The bot as `cpbatch bot` composes it — container, SQLite, Fernet, the ClassPlus adapter
against the simulator, the conversation, the Pyrogram adapter and pyrogram's own Client —
with Telegram replaced by a fake data centre on a loopback socket that speaks MTProto. People
type and press buttons there; what they receive is read there."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cpbatch.adapters.crypto import generate_secret_key
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.bot_runner import serve_bot
from cpbatch.entrypoints.config import load_settings
from cpbatch.entrypoints.container import Container
from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.telegram import FakeTelegramDC, bot_token_for, running_dc, write_bot_session
from support.telegram.person import Person

ADMIN = 4242
STUDENT = 4343
FREE_COURSE = 41004  # the demo world's free course in learnwell


@dataclass
class RunningBot:
    sim: Simulator
    dc: FakeTelegramDC
    data_dir: Path
    admin: Person
    health_port: int | None


def free_port() -> int:
    with socket.socket() as probe:  # a free port, as a platform would assign one
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def bot(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[RunningBot]:
    port = getattr(request, "param", None)
    async with run_simulator() as sim, running_dc() as dc:
        await write_bot_session(dc, tmp_path / "telegram")
        settings = load_settings(
            {
                "CLASSPLUS_BASE_URL": sim.base_url,
                "CLASSPLUS_ALLOW_LOOPBACK": "true",
                "RATE_LIMIT_REQUESTS": "500",
                "DATA_DIR": str(tmp_path),
            },
            env_file=None,
        )
        bot_settings = BotSettings(
            bot_token=bot_token_for(dc),
            api_id=12345,
            api_hash="0" * 32,
            secret_key=generate_secret_key(),
            admin_user_ids=frozenset({ADMIN}),
            allowed_user_ids=frozenset({STUDENT}),
            progress_interval_s=1.0,
            port=port,
        )
        container = Container(settings=settings, bot_settings=bot_settings)
        stop: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        serving = asyncio.create_task(serve_bot(container, settings, stop))
        admin = Person(dc, ADMIN)
        try:
            # Up once it answers: /start is answered only after handlers are registered
            for _ in range(200):
                assert not serving.done(), serving.exception()
                if any(c.__class__.__name__ == "GetFullUser" for c in dc.world.calls):
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)
            await admin.says("/start")
            await admin.waits_for(lambda: len(admin.texts()) == 1)
            yield RunningBot(sim, dc, tmp_path, admin, port)
        finally:
            stop.set_result(None)
            await asyncio.wait_for(serving, timeout=20)
        assert dc.world.unknown == []


async def test_a_pasted_token_is_verified_stored_encrypted_and_its_message_deleted(
    bot: RunningBot,
) -> None:
    token = bot.sim.token_for("learnwell")

    message_id = await bot.admin.says(f"/token learnwell {token}")

    await bot.admin.waits_for(lambda: not bot.admin.can_see(message_id))
    stored = b"".join(p.read_bytes() for p in bot.data_dir.glob("metadata.sqlite3*"))
    assert token.encode() not in stored
    assert token.split(".")[1].encode() not in stored
    await bot.admin.waits_for(lambda: any("learnwell" in t for t in bot.admin.texts()[1:]))
    assert not any(token in text for text in bot.admin.texts())


async def test_sync_sends_exactly_the_entitled_files_then_reuses_their_telegram_ids(
    bot: RunningBot,
) -> None:
    await bot.admin.says(f"/token learnwell {bot.sim.token_for('learnwell')}")
    expected = Counter(
        entry["sha256"]
        for entry in await bot.sim.manifest_async("learnwell")
        if entry["batch_id"] == FREE_COURSE
    )
    assert expected
    count = sum(expected.values())

    await bot.admin.says(f"/sync learnwell {FREE_COURSE}")
    await bot.admin.waits_for(lambda: len(bot.admin.documents()) == count, 60)

    assert Counter(d.sha256 for d in bot.admin.documents()) == expected
    assert all(d.uploaded for d in bot.admin.documents())

    bot.sim.stats.reset()
    parts = len([c for c in bot.dc.world.calls if "FilePart" in type(c).__name__])
    await asyncio.sleep(0.3)  # let the first job finish and release the user's slot
    await bot.admin.says(f"/sync learnwell {FREE_COURSE}")
    await bot.admin.waits_for(lambda: len(bot.admin.documents()) == 2 * count, 60)

    again = bot.admin.documents()[count:]
    assert Counter(d.sha256 for d in again) == expected
    assert not any(d.uploaded for d in again)  # by Telegram file id: no bytes moved
    assert len([c for c in bot.dc.world.calls if "FilePart" in type(c).__name__]) == parts
    assert bot.sim.stats.file_bytes_sent == 0


async def test_two_people_syncing_the_same_batch_at_once_upload_each_file_once(
    bot: RunningBot,
) -> None:
    student = Person(bot.dc, STUDENT)
    for person in (bot.admin, student):
        await person.says(f"/token learnwell {bot.sim.token_for('learnwell')}")
        await person.waits_for(lambda p=person: any("Logged in" in t for t in p.texts()))
    expected = Counter(
        entry["sha256"]
        for entry in await bot.sim.manifest_async("learnwell")
        if entry["batch_id"] == FREE_COURSE
    )
    count = sum(expected.values())

    await asyncio.gather(
        bot.admin.says(f"/sync learnwell {FREE_COURSE}"),
        student.says(f"/sync learnwell {FREE_COURSE}"),
    )
    for person in (bot.admin, student):
        await person.waits_for(lambda p=person: len(p.documents()) == count, 60)

    for person in (bot.admin, student):
        assert Counter(d.sha256 for d in person.documents()) == expected
    uploaded = [d.sha256 for d in bot.dc.world.received if d.uploaded]
    assert Counter(uploaded) == expected  # each file's bytes went up once, for both


async def test_a_stranger_gets_one_polite_refusal_and_then_silence(bot: RunningBot) -> None:
    stranger = Person(bot.dc, 999)

    await stranger.says("/start")
    await stranger.waits_for(lambda: len(stranger.texts()) == 1)
    await stranger.says("/getbatches learnwell")
    await bot.admin.reply_after("/help")  # the bot has handled what came before

    assert len(stranger.texts()) == 1


@pytest.mark.parametrize("bot", [free_port()], indirect=True)
async def test_the_health_endpoint_follows_telegram_going_away(bot: RunningBot) -> None:
    port = bot.health_port
    assert port is not None
    async with aiohttp.ClientSession() as http:
        body, status = await _health(http, port)
        assert (status, body["storage"], body["bot"]) == (200, "ok", "connected")

        await bot.dc.close()  # Telegram unreachable: pyrogram keeps trying to reconnect

        for _ in range(100):
            body, status = await _health(http, port)
            if status == 503:
                break
            await asyncio.sleep(0.05)
        assert (status, body["bot"]) == (503, "disconnected")


async def _health(http: Any, port: int) -> tuple[Any, int]:
    for _ in range(100):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                return await response.json(), response.status
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("the health endpoint never answered")
