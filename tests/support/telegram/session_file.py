"""A pyrogram session file for the bot, authorized at the fake data centre: written with
pyrogram's own SQLiteStorage, so `cpbatch bot` opens it as it opens a real one."""

from __future__ import annotations

from pathlib import Path

from pyrogram.storage import SQLiteStorage

from support.telegram.dc import FakeTelegramDC


async def write_bot_session(dc: FakeTelegramDC, workdir: Path, name: str = "cpbatch") -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    storage = SQLiteStorage(name, workdir=workdir)
    await storage.open()
    await storage.dc_id(2)
    await storage.api_id(12345)
    await storage.server_address("127.0.0.1")
    await storage.port(dc.port)
    await storage.test_mode(False)
    await storage.auth_key(dc.auth_key)
    await storage.date(0)
    await storage.user_id(dc.world.bot.id)
    await storage.is_bot(True)
    await storage.save()
    await storage.close()


def bot_token_for(dc: FakeTelegramDC) -> str:
    return f"{dc.world.bot.id}:" + "T" * 35
