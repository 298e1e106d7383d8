"""The whole end-to-end world, brought up in order and torn down in reverse: piltover, three
people (an admin, an allowed member, a stranger), a bot from @BotFather, the simulator and the
real bot.

Every secret (bot token, api_hash, SECRET_KEY, ClassPlus tokens, the OTP) is made at run time
and kept in `secrets` for the log scan; none is printed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpbatch.adapters.crypto import generate_secret_key
from cpbatch.entrypoints.simulator.otp import expected_otp
from support.telegram_e2e.chat import BotChat
from support.telegram_e2e.delivery import Manifest
from support.telegram_e2e.paths import Locations
from support.telegram_e2e.piltover import Person, PiltoverServer, create_bot, load_kit, sign_up
from support.telegram_e2e.processes import SIMULATOR_SEED, BotProcess, SimulatorProcess, manifest
from support.telegram_e2e.results import ResultTable
from support.telegram_e2e.screens import MOBILE, ORG, WATCH_EVERY_S


@dataclass(repr=False)  # pytest prints a failing step's arguments: never the secrets
class TelegramE2E:
    admin: BotChat
    member: BotChat  # in ALLOWED_USER_IDS, not an admin
    stranger: BotChat  # in neither list
    bot: BotProcess
    files: Manifest
    classplus_token: str
    otp: str
    secrets: dict[str, str]
    simulator_url: str = ""  # its control routes publish files while the bot runs
    memory: dict[str, Any] = field(default_factory=dict)  # what one step leaves the next

    def __repr__(self) -> str:
        return f"TelegramE2E(bot=@{self.admin.bot}, {len(self.files.entries)} files)"


def _secrets(
    bot_token: str, api_hash: str, secret_key: str, tokens: dict[str, str]
) -> dict[str, str]:
    found = {
        "BOT_TOKEN": bot_token,
        "BOT_TOKEN_SECRET_PART": bot_token.partition(":")[2],
        "TELEGRAM_API_HASH": api_hash,
        "SECRET_KEY": secret_key,
        "OTP": expected_otp(SIMULATOR_SEED, MOBILE),
    }
    for org, token in tokens.items():
        found[f"CLASSPLUS_TOKEN_{org}"] = token
        found[f"CLASSPLUS_TOKEN_{org}_SIGNATURE"] = token.rsplit(".", 1)[-1]
    return found


def _bot_settings(
    sim: SimulatorProcess, secrets: dict[str, str], admin: Person, member: Person
) -> dict[str, str]:
    return {
        "BOT_TOKEN": secrets["BOT_TOKEN"],
        "TELEGRAM_API_ID": "1",
        "TELEGRAM_API_HASH": secrets["TELEGRAM_API_HASH"],
        "SECRET_KEY": secrets["SECRET_KEY"],
        "ADMIN_USER_IDS": str(admin.user_id),
        "ALLOWED_USER_IDS": str(member.user_id),
        "CLASSPLUS_BASE_URL": sim.base_url,
        "CLASSPLUS_ALLOW_LOOPBACK": "true",
        "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
        "RATE_LIMIT_REQUESTS": "100",  # a local simulator is no upstream to be gentle with
        "BOT_PROGRESS_INTERVAL": "1",
        "BOT_REQUESTS_PER_MINUTE": "120",
        "WATCH_EVERY": f"{WATCH_EVERY_S:g}s",
        "WATCH_REQUESTS_PER_HOUR": "3600",
    }


@asynccontextmanager
async def running_environment(where: Locations, table: ResultTable) -> AsyncIterator[TelegramE2E]:
    scratch = Path(tempfile.mkdtemp(prefix="cpbatch-tg-e2e-"))
    server = PiltoverServer(where)
    sim = SimulatorProcess(scratch)
    bot = BotProcess(scratch, where.kit, where.piltover_dir)
    people: list[Person] = []
    try:
        with table.phase("setup: piltover on 127.0.0.1:4430"):
            await asyncio.to_thread(server.ensure_running)
        kit = load_kit(where)
        with table.phase("setup: an admin, a member and a stranger sign up"):
            for role in ("admin", "member", "stranger"):
                people.append(await sign_up(kit, where, role, role.title()))
        admin, member, stranger = people
        with table.phase("setup: a bot token from @BotFather"):
            bot_token, username = await create_bot(admin)
        with table.phase("setup: simulator and its manifest"):
            await asyncio.to_thread(sim.start)
            entries = await asyncio.to_thread(manifest, ORG)
        secrets = _secrets(bot_token, os.urandom(16).hex(), generate_secret_key(), sim.tokens())
        with table.phase("setup: cpbatch bot started"):
            await asyncio.to_thread(bot.start, _bot_settings(sim, secrets, admin, member))
        yield TelegramE2E(
            admin=BotChat(admin.client, username),
            member=BotChat(member.client, username),
            stranger=BotChat(stranger.client, username),
            bot=bot,
            files=Manifest(entries),
            classplus_token=sim.tokens()[ORG],
            otp=secrets["OTP"],
            secrets=secrets,
            simulator_url=sim.base_url,
        )
    finally:
        with table.phase("teardown"):
            bot.stop()
            sim.stop()
            for person in people:
                with suppress(Exception):  # one person's session must not keep piltover up
                    await person.client.stop()
            server.stop()
            if os.environ.get("E2E_KEEP") != "1":
                shutil.rmtree(scratch, ignore_errors=True)
