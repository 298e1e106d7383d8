"""Watching through the bot as `cpbatch bot` composes it (container, SQLite, the ClassPlus
adapter against the simulator, the watcher, pyrogram's Client against the fake data centre):
a file a tutor adds upstream arrives in the chat on its own, with its note, once."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cpbatch.adapters.crypto import generate_secret_key
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.bot_runner import serve_bot
from cpbatch.entrypoints.config import load_settings
from cpbatch.entrypoints.container import Container
from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.telegram import running_dc, write_bot_session
from support.telegram.dc import FakeTelegramDC
from support.telegram.harness import bot_token_for
from support.telegram.person import Person

ADMIN = 4242
FREE_COURSE = "course:41004"  # the demo world's free course in learnwell


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Simulator, FakeTelegramDC, Person]]:
    async with run_simulator() as sim, running_dc() as dc:
        await write_bot_session(dc, tmp_path / "telegram")
        settings = load_settings(
            {
                "CLASSPLUS_BASE_URL": sim.base_url,
                "CLASSPLUS_ALLOW_LOOPBACK": "true",
                "RATE_LIMIT_REQUESTS": "500",
                "DATA_DIR": str(tmp_path),
                "WATCH_EVERY": "1s",  # checks as often as the budget below allows
                "WATCH_REQUESTS_PER_HOUR": "36000",
            },
            env_file=None,
        )
        bot_settings = BotSettings(
            bot_token=bot_token_for(dc),
            api_id=12345,
            api_hash="0" * 32,
            secret_key=generate_secret_key(),
            admin_user_ids=frozenset({ADMIN}),
        )
        container = Container(settings=settings, bot_settings=bot_settings)
        stop: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        serving = asyncio.create_task(serve_bot(container, settings, stop))
        admin = Person(dc, ADMIN)
        try:
            for _ in range(200):
                assert not serving.done(), serving.exception()
                if any(c.__class__.__name__ == "GetFullUser" for c in dc.world.calls):
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)
            yield sim, dc, admin
        finally:
            stop.set_result(None)
            await asyncio.wait_for(serving, timeout=20)
        assert dc.world.unknown == []


async def test_a_file_added_upstream_arrives_in_the_chat(
    served: tuple[Simulator, FakeTelegramDC, Person],
) -> None:
    sim, _dc, admin = served
    await admin.says(f"/token learnwell {sim.token_for('learnwell')}")
    await admin.waits_for(lambda: any("Logged in" in t for t in admin.texts()))
    answer = await admin.reply_after(f"/watch learnwell {FREE_COURSE}")
    assert answer.startswith("🔔 Watching ")
    assert admin.documents() == []  # what was there before the watch is not sent

    document = sim.publish_file("learnwell", FREE_COURSE, "Week 2 notes.pdf", 4_000, "New")
    await admin.waits_for(lambda: len(admin.documents()) == 1, 30)

    [received] = admin.documents()
    assert received.sha256 == hashlib.sha256(sim.file_bytes("learnwell", document.id)).hexdigest()
    assert received.caption.startswith("🔔 🆕 New in ")
    assert "📁 New\n📄 Week 2 notes.pdf" in received.caption
    # Later checks find nothing more to send.
    await admin.reply_after("/watching")
    await asyncio.sleep(1.5)
    assert len(admin.documents()) == 1
