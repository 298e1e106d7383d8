"""The pyrogram Client of the bot: built without touching the network, started and stopped
by a dependency-injector Resource. The session file (it holds the bot's authorization key)
lives under `workdir`, which the caller puts under DATA_DIR/telegram, never in the repo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path

import structlog
from pyrogram import Client, enums
from pyrogram.errors.rpc_error import RPCError

from domain.errors import DeliveryError, ValidationError

log = structlog.get_logger(__name__)


def build_client(
    *,
    api_id: int,
    api_hash: str,
    bot_token: str,
    workdir: Path,
    name: str = "cpbatch",
    workers: int = 8,
    max_concurrent_transmissions: int = 2,
    sleep_threshold: int = 10,
    in_memory: bool = False,
) -> Client:
    """A bot Client, not connected. FloodWaits up to `sleep_threshold` seconds are slept
    inside pyrogram; longer ones are raised to PyrogramChat. `workers` handle updates
    concurrently; `max_concurrent_transmissions` bounds simultaneous uploads."""
    # pyrogram prompts on stdin for whatever is missing: fail here instead
    if not bot_token.strip():
        raise ValidationError("BOT_TOKEN is empty: the bot cannot sign in.")
    if not api_hash.strip() or api_id <= 0:
        raise ValidationError("TELEGRAM_API_ID and TELEGRAM_API_HASH must both be set.")
    if not name or Path(name).name != name:
        raise ValidationError("The Telegram session name must be a plain file name.")
    return Client(
        name,
        api_id=api_id,
        api_hash=api_hash,
        bot_token=bot_token,
        workdir=workdir,
        in_memory=in_memory,
        workers=workers,
        max_concurrent_transmissions=max_concurrent_transmissions,
        sleep_threshold=sleep_threshold,
        parse_mode=enums.ParseMode.DISABLED,  # plain text unless a call says otherwise
    )


async def telegram_client_resource(
    *,
    api_id: int,
    api_hash: str,
    bot_token: str,
    workdir: Path,
    name: str = "cpbatch",
    workers: int = 8,
    max_concurrent_transmissions: int = 2,
    sleep_threshold: int = 10,
) -> AsyncIterator[Client]:
    """For `providers.Resource`: yields a started (signed-in) Client and stops it on shutdown.
    Register update handlers (TelegramUpdates.register) once it is yielded."""
    client = build_client(
        api_id=api_id,
        api_hash=api_hash,
        bot_token=bot_token,
        workdir=workdir,
        name=name,
        workers=workers,
        max_concurrent_transmissions=max_concurrent_transmissions,
        sleep_threshold=sleep_threshold,
    )
    await asyncio.to_thread(workdir.mkdir, mode=0o700, parents=True, exist_ok=True)
    await _start(client, bot_token)
    try:
        yield client
    finally:
        with suppress(ConnectionError):  # already stopped
            await client.stop()
        log.info("telegram_stopped")


async def _start(client: Client, bot_token: str) -> None:
    try:
        await client.start()
    except RPCError as exc:
        rpc = exc.ID or exc.NAME
        log.error("telegram_start_refused", rpc=rpc)
        raise ValidationError(
            f"Telegram refused to sign the bot in ({rpc}); check BOT_TOKEN, TELEGRAM_API_ID "
            "and TELEGRAM_API_HASH."
        ) from exc
    except OSError as exc:
        log.error("telegram_start_failed", error=type(exc).__name__)
        raise DeliveryError("Telegram could not be reached; check the network.") from exc
    me = client.me
    log.info("telegram_started", bot_id=me.id if me else None, bot=me.username if me else None)
    # A stored session wins over bot_token: pyrogram would quietly run as the old bot
    token_bot_id = bot_token.partition(":")[0]
    if me is not None and token_bot_id.isdigit() and me.id != int(token_bot_id):
        with suppress(ConnectionError):
            await client.stop()
        raise ValidationError(
            f"The saved Telegram session {client.name}.session belongs to another bot; "
            "delete it to sign in with the new BOT_TOKEN."
        )
