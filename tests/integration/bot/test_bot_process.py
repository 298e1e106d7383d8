"""`cpbatch bot`, the real process, against the simulator and a fake Telegram data centre on a
loopback socket: it signs in with its saved session, answers people, keeps secrets out of its
DEBUG log, works in its own folder and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyrogram import raw

from cpbatch.adapters.crypto import generate_secret_key
from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.telegram import (
    FakeTelegramDC,
    RpcFailure,
    bot_token_for,
    running_dc,
    write_bot_session,
)
from support.telegram.person import Person

ADMIN = 4242
MOBILE = "9000000001"  # Asha, in the demo world's learnwell


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    sim: Simulator
    dc: FakeTelegramDC
    started_in: Path
    data_dir: Path
    secrets: list[str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
async def bot_process(tmp_path: Path) -> AsyncIterator[BotProcess]:
    data_dir, started_in = tmp_path / "data", tmp_path / "started-here"
    started_in.mkdir()
    async with run_simulator() as sim, running_dc() as dc:
        await write_bot_session(dc, data_dir / "telegram")
        secret_key = generate_secret_key()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.pathsep.join(sys.path),
            "BOT_TOKEN": bot_token_for(dc),
            "TELEGRAM_API_ID": "12345",
            "TELEGRAM_API_HASH": "0" * 32,
            "SECRET_KEY": secret_key,
            "ADMIN_USER_IDS": str(ADMIN),
            "DATA_DIR": str(data_dir),
            "CLASSPLUS_BASE_URL": sim.base_url,
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "LOG_LEVEL": "DEBUG",
        }
        log = tmp_path / "bot.log"
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "cpbatch", "bot", "--env-file", "/nonexistent",
                cwd=started_in, env=env, stdout=sink, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        running = BotProcess(
            process, sim, dc, started_in, data_dir, [bot_token_for(dc), secret_key], log
        )
        try:
            for _ in range(500):
                if "bot_started" in running.output():
                    break
                assert process.returncode is None, running.output()
                await asyncio.sleep(0.02)
            yield running
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 20)


async def test_the_bot_process_logs_in_a_person_and_keeps_every_secret_out_of_its_log(
    bot_process: BotProcess,
) -> None:
    admin = Person(bot_process.dc, ADMIN)
    assert "Hi" in await admin.reply_after("/start")
    await admin.says("/login")
    await admin.waits_for(lambda: "organization code" in admin.texts()[-1])
    await admin.says("learnwell")
    await admin.waits_for(lambda: "mobile number" in admin.texts()[-1])
    await admin.says(MOBILE)
    await admin.waits_for(lambda: "sent a code" in admin.texts()[-1])
    otp = bot_process.sim.otp_for(MOBILE)
    assert otp is not None

    otp_message = await admin.says(otp)

    await admin.waits_for(lambda: "Logged in" in admin.texts()[-1])
    await admin.waits_for(lambda: not admin.can_see(otp_message))
    token = bot_process.sim.token_for("learnwell", MOBILE)
    bot_process.process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.process.wait(), 20) == 0
    output = bot_process.output()
    assert "bot_stopped" in output
    assert "debug" in output  # the level really was DEBUG
    for secret in [*bot_process.secrets, otp, MOBILE, token.split(".")[1]]:
        assert secret not in output


async def test_telegram_errors_pyrogram_does_not_know_are_noted_in_the_bots_own_folder(
    bot_process: BotProcess,
) -> None:
    admin = Person(bot_process.dc, ADMIN)
    await admin.reply_after("/start")
    bot_process.dc.world.fail(
        raw.functions.messages.SendMessage, RpcFailure(400, "A_BRAND_NEW_REFUSAL")
    )

    notice = await admin.reply_after("/help")  # its answer meets the unknown error

    assert "A_BRAND_NEW_REFUSAL" in notice
    assert "/login" in await admin.reply_after("/help")  # and the bot goes on

    assert not (bot_process.started_in / "unknown_errors.txt").exists()
    noted = (bot_process.data_dir / "telegram" / "unknown_errors.txt").read_text()
    assert "A_BRAND_NEW_REFUSAL" in noted
