"""piltover as a person meets Telegram: the server is running (or started here), people sign
up with a phone number and a login code, and one of them gets a bot token from @BotFather.

The kit's `piltover_patch` must be imported (`load_kit`) before any Client is created.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from support.telegram_e2e.paths import Locations, piltover_listening

BOTFATHER = "botfather"
_TOKEN_IN_REPLY = re.compile(r"\b(\d+:[A-Za-z0-9_-]{30,})\b")


def load_kit(where: Locations) -> ModuleType:
    """Import the kit's piltover_patch (it patches pyrogram when imported)."""
    os.environ["PILTOVER_DIR"] = str(where.piltover_dir)
    if str(where.kit) not in sys.path:
        sys.path.insert(0, str(where.kit))
    return importlib.import_module("piltover_patch")


class PiltoverServer:
    """Uses the piltover already listening on 127.0.0.1:4430, or starts the build in
    `where.workdir` with the kit's start script and stops it (by its pid) afterwards."""

    def __init__(self, where: Locations) -> None:
        self._where = where
        self.started_here = False

    def ensure_running(self) -> None:
        if piltover_listening():
            return
        script = self._where.kit / "start_piltover.sh"
        subprocess.run(
            ["bash", str(script), str(self._where.workdir)],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=180,
        )
        self.started_here = True

    def stop(self) -> None:
        if not self.started_here:
            return
        pid_file = self._where.workdir / "piltover.pid"
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 15)
        self.started_here = False


@dataclass(frozen=True)
class Person:
    client: Any  # a started pyrogram Client, signed in as this person
    user_id: int
    phone: str


def random_phone() -> str:
    """A number in the +1 999 555 range the kit uses; random, so runs do not meet."""
    return f"+1999555{secrets.randbelow(10_000):04d}"


def _latest_code(where: Locations, phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    with sqlite3.connect(where.database) as db:
        row = db.execute(
            "select code from sentcode where phone_number=? order by id desc limit 1", (digits,)
        ).fetchone()
    if row is None:
        raise RuntimeError(f"piltover sent no login code to {phone}")
    return str(row[0]).zfill(5)


async def sign_up(kit: ModuleType, where: Locations, name: str, first_name: str) -> Person:
    """A person signs up (or in) with a fresh phone number; piltover's login code is read
    from its database, as the person would read it from an SMS."""
    from pyrogram import enums, raw

    phone = random_phone()
    client = kit.make_client(name, in_memory=True, parse_mode=enums.ParseMode.DISABLED)
    await client.connect()
    sent = await client.send_code(phone)
    code = await asyncio.to_thread(_latest_code, where, phone)
    user = await client.sign_in(phone, sent.phone_code_hash, code)
    if not hasattr(user, "id"):  # a new number: piltover asks for a sign-up
        user = await client.sign_up(phone, sent.phone_code_hash, first_name, "E2E")
    # The rest of Client.start(): an in-memory session cannot disconnect and start again.
    await client.invoke(raw.functions.updates.get_state.GetState())
    client.me = await client.get_me()
    await client.initialize()
    return Person(client=client, user_id=client.me.id, phone=phone)


async def _ask_botfather(client: Any, text: str, timeout_s: float = 20.0) -> str:
    sent = await client.send_message(BOTFATHER, text)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        async for message in client.get_chat_history(BOTFATHER, limit=1):
            if message.id > sent.id and not message.outgoing:
                return str(message.text or "")
        await asyncio.sleep(0.3)
    raise TimeoutError(f"@BotFather did not answer {text.split()[0]!r}")


async def create_bot(owner: Person) -> tuple[str, str]:
    """(token, username) of a new bot, asked of @BotFather as its owner would."""
    username = f"cpbatch_e2e_{secrets.token_hex(4)}_bot"
    await _ask_botfather(owner.client, "/newbot")
    await _ask_botfather(owner.client, "cpbatch E2E")
    reply = await _ask_botfather(owner.client, username)
    found = _TOKEN_IN_REPLY.search(reply)
    if found is None:
        raise RuntimeError("@BotFather's answer to the username held no token")
    return found.group(1), username
