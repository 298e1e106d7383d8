"""`cpbatch bot` / `make run`: start the bot, serve until SIGINT or SIGTERM, stop cleanly."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import structlog

from cpbatch.adapters.crypto import generate_secret_key
from cpbatch.adapters.filesystem.private_folder import ensure_private_folder
from cpbatch.adapters.health import health_app, serve_health, storage_status
from cpbatch.adapters.telegram import TelegramUpdates, is_online
from cpbatch.entrypoints.bootstrap import resolved, running
from cpbatch.entrypoints.bot_config import BotSettings
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container

log = structlog.get_logger(__name__)

__all__ = ["generate_secret_key", "run_bot", "serve_bot"]


async def run_bot(settings: Settings, bot: BotSettings) -> None:
    settings = _absolute_paths(settings)
    # pyrogram appends Telegram errors it does not know to ./unknown_errors.txt, and fails
    # with PermissionError where it cannot (a read-only /app): work in the bot's own folder.
    await asyncio.to_thread(_enter, settings.data_dir / "telegram")
    await serve_bot(Container(settings=settings, bot_settings=bot), settings, _stop_signal())


def _absolute_paths(settings: Settings) -> Settings:
    cache_dir = settings.cache_dir.absolute() if settings.cache_dir is not None else None
    return dataclasses.replace(
        settings,
        data_dir=settings.data_dir.absolute(),
        download_dir=settings.download_dir.absolute(),
        cache_dir=cache_dir,
    )


def _enter(folder: Path) -> None:
    ensure_private_folder(folder.parent)  # DATA_DIR, before its first folder is made
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chdir(folder)


async def serve_bot(container: Container, settings: Settings, stop: asyncio.Future[None]) -> None:
    """Serve updates until `stop` resolves; running jobs are cancelled and cleaned up after."""
    async with running(settings, container):
        conversation = await resolved(container.conversation())
        await conversation.start()
        client = await resolved(container.telegram_client())
        # Registered after the client started: the chat port needs the client, the
        # conversation the chat port, and the update handler the conversation.
        TelegramUpdates(conversation).register(client)
        watcher = await resolved(container.watcher())
        watching = asyncio.create_task(watcher.run(), name="watcher")
        bot_settings = container.bot_settings()
        log.info("bot_started", admins=len(bot_settings.admin_user_ids))
        try:
            if bot_settings.port is None:
                await stop
            else:
                storage = await resolved(container.storage())
                check = partial(_health, storage.ping, client)
                async with serve_health(health_app(check), bot_settings.port):
                    await stop
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
            await conversation.close()
            log.info("bot_stopped")


async def _health(ping: Callable[[], Awaitable[object]], client: Any) -> dict[str, str]:
    """What /healthz reports: storage answers a round trip, and Telegram is reachable now."""
    connected = is_online(client)
    return {
        "storage": await storage_status(ping),
        "bot": "connected" if connected else "disconnected",
    }


def _stop_signal() -> asyncio.Future[None]:
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[None] = loop.create_future()

    def request_stop() -> None:
        if not stop.done():
            stop.set_result(None)

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop)
    return stop
