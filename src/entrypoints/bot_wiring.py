"""What the container needs to build the bot's adapters. Pyrogram and cryptography are
imported inside the functions: only `cpbatch bot` resolves them, so other commands never pay
for those imports or start a Telegram client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from cpbatch.application.bot.settings import BotPolicy
from cpbatch.application.ports import ChatPort, SecretCipher
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.config import Settings


def bot_policy(bot: BotSettings, settings: Settings) -> BotPolicy:
    return BotPolicy(
        allowed_user_ids=bot.allowed_user_ids,
        admin_user_ids=bot.admin_user_ids,
        max_jobs=bot.max_jobs,
        rate_count=bot.requests_per_minute,
        rate_period_s=60.0,
        progress_interval_s=bot.progress_interval_s,
        sync_concurrency=settings.sync_concurrency,
    )


def fernet_cipher(bot: BotSettings) -> SecretCipher:
    from cpbatch.adapters.crypto import FernetCipher

    return FernetCipher(bot.secret_key)


async def telegram_client(bot: BotSettings, settings: Settings) -> AsyncIterator[Any]:
    from cpbatch.adapters.telegram import telegram_client_resource

    async for client in telegram_client_resource(
        api_id=bot.api_id,
        api_hash=bot.api_hash,
        bot_token=bot.bot_token,
        workdir=settings.data_dir / "telegram",
    ):
        yield client


def pyrogram_chat(client: Any) -> ChatPort:
    from cpbatch.adapters.telegram import PyrogramChat

    return PyrogramChat(client)


def outgoing_dir(settings: Settings) -> Path:
    return settings.data_dir / "telegram" / "outgoing"
