"""The bot's composition: the core container plus the chat adapter, the cipher and the
conversation. Only `cpbatch bot` builds it, so CLI commands never start a Telegram client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from dependency_injector import providers

from cpbatch.adapters.crypto import FernetCipher
from cpbatch.adapters.telegram import PyrogramChat, telegram_client_resource
from cpbatch.application.bot.builder import build_conversation
from cpbatch.application.bot.settings import BotPolicy
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container


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


async def telegram_client(bot: BotSettings, settings: Settings) -> AsyncIterator[Any]:
    async for client in telegram_client_resource(
        api_id=bot.api_id,
        api_hash=bot.api_hash,
        bot_token=bot.bot_token,
        workdir=settings.data_dir / "telegram",
    ):
        yield client


def outgoing_dir(settings: Settings) -> Path:
    return settings.data_dir / "telegram" / "outgoing"


class BotContainer(Container):
    bot_settings = providers.Dependency(instance_of=BotSettings)

    cipher = providers.Singleton(FernetCipher, bot_settings.provided.secret_key)
    policy = providers.Singleton(bot_policy, bot_settings, Container.settings)
    telegram_client = providers.Resource(telegram_client, bot_settings, Container.settings)
    chat = providers.Singleton(PyrogramChat, telegram_client)
    conversation = providers.Singleton(
        build_conversation,
        chat=chat,
        gateway=Container.gateway,
        listings=Container.listings,
        blobs=Container.blobs,
        repository=Container.metadata,
        fetcher=Container.fetcher,
        credentials=Container.metadata,
        cipher=cipher,
        remote_ids=Container.metadata,
        policy=policy,
        work_dir=providers.Callable(outgoing_dir, Container.settings),
    )
