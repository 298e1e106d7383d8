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

from cpbatch.adapters.telegram.retry import rpc_name
from cpbatch.domain.errors import DeliveryError, ValidationError

log = structlog.get_logger(__name__)

_STALE_SESSION = {"AUTH_KEY_UNREGISTERED", "SESSION_REVOKED", "SESSION_EXPIRED", "USER_DEACTIVATED"}


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
    start_timeout_s: float = 60.0,
) -> AsyncIterator[Client]:
    """For `providers.Resource`: yields a started (signed-in) Client and stops it on shutdown.
    Register update handlers (TelegramUpdates.register) once it is yielded. pyrogram retries
    an unreachable Telegram forever; past `start_timeout_s` the start fails instead, so a
    supervisor (systemd, Docker, Render) sees the failure and the reason."""
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
    await asyncio.to_thread(_private_folder, workdir)
    await _start(client, bot_token, start_timeout_s)
    await asyncio.to_thread(_private_file, workdir / f"{name}.session")
    try:
        yield client
    finally:
        with suppress(ConnectionError):  # already stopped
            await client.stop()
        log.info("telegram_stopped")


async def _start(client: Client, bot_token: str, timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await client.start()
    except RPCError as exc:
        await _abandon(client)
        rpc = rpc_name(exc)
        log.error("telegram_start_refused", rpc=rpc)
        if rpc in _STALE_SESSION:
            raise ValidationError(
                f"Telegram no longer accepts the saved session ({rpc}), as after a token is "
                f"revoked; delete {client.name}.session in the Telegram folder of DATA_DIR to "
                "sign in again with BOT_TOKEN."
            ) from exc
        raise ValidationError(
            f"Telegram refused to sign the bot in ({rpc}); check BOT_TOKEN, TELEGRAM_API_ID "
            "and TELEGRAM_API_HASH."
        ) from exc
    except (OSError, TimeoutError) as exc:  # TimeoutError: asyncio.timeout's
        await _abandon(client)
        log.error("telegram_start_failed", error=type(exc).__name__, timeout_s=timeout_s)
        raise DeliveryError(
            f"Telegram could not be reached within {timeout_s:g} s; check the network."
        ) from exc
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


async def _abandon(client: Client) -> None:
    """Closes what a failed start left open: pyrogram keeps reconnecting otherwise."""
    with suppress(Exception):
        if client.is_initialized:
            await client.stop()
        elif client.is_connected:
            await client.disconnect()


def _private_folder(folder: Path) -> None:
    # The session file is the bot's login (it holds the auth key): only we may read it
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


def _private_file(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.chmod(0o600)


def is_online(client: Client) -> bool:
    """Whether the bot can reach Telegram now. pyrogram's `is_connected` stays True while its
    session reconnects after a drop; the session's started flag is cleared for that time."""
    started = getattr(getattr(client, "session", None), "is_started", None)
    return bool(client.is_connected) and isinstance(started, asyncio.Event) and started.is_set()
