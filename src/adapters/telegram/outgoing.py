"""What goes out to Telegram, shaped once: keyboards, length limits, files, upload progress."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog
from pyrogram import types

from cpbatch.application.ports.chat import Keyboard, Upload, UploadProgress
from cpbatch.domain.errors import DeliveryError
from cpbatch.domain.sizes import format_bytes

log = structlog.get_logger(__name__)

MAX_TEXT = 4096  # Telegram's limits, counted in UTF-16 code units
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
MAX_UPLOAD_BYTES = 2000 * 1024 * 1024  # what pyrogram lets a bot upload (2000 MiB)

ChunkCallback = Callable[[int, int], Awaitable[None]]


def markup_of(keyboard: Keyboard | None) -> types.InlineKeyboardMarkup | None:
    """Rows of Buttons -> inline keyboard; None (or no buttons) -> no keyboard."""
    rows = [
        # callback_data by keyword: kurigram's second positional parameter is an emoji id
        [types.InlineKeyboardButton(button.text, callback_data=button.key) for button in row]
        for row in keyboard or ()
        if row
    ]
    return types.InlineKeyboardMarkup(rows) if rows else None


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 code units (how Telegram counts), ending in an ellipsis."""
    encoded = text.encode("utf-16-le")
    if len(encoded) <= 2 * limit:
        return text
    # errors="ignore" drops half of a surrogate pair cut in two
    return encoded[: 2 * (limit - 1)].decode("utf-16-le", errors="ignore") + "…"


def chunk_callback(progress: UploadProgress) -> ChunkCallback:
    """Pyrogram awaits `progress(current, total)` after each 512 KiB part only when it is a
    coroutine function (anything else runs in its thread pool), so this is a plain `async def`.
    A failing progress report is logged and never aborts the upload; cancellation propagates."""

    async def on_chunk(current: int, total: int) -> None:
        try:
            await progress(current, total)
        except Exception:
            log.warning("telegram_progress_failed", exc_info=True)

    return on_chunk


async def local_file(upload: Upload) -> Path:
    """The upload's file, checked before any byte moves: it exists, is not empty, and fits."""
    name = upload.file_name
    if upload.path is None:
        raise DeliveryError(f"{name} has no local copy to send; download it again.")
    try:
        info = await asyncio.to_thread(upload.path.stat)
    except OSError as exc:
        raise DeliveryError(f"{name} is no longer on disk; download it again.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise DeliveryError(f"{name} is not a regular file; it cannot be sent.")
    if info.st_size == 0:
        raise DeliveryError(f"{name} is empty; Telegram does not accept empty files.")
    if info.st_size > MAX_UPLOAD_BYTES:
        raise DeliveryError(
            f"{name} is {format_bytes(info.st_size)}, more than the "
            f"{format_bytes(MAX_UPLOAD_BYTES)} Telegram lets a bot send."
        )
    # A Path, never a str: pyrogram reads a str naming no local file as a file id
    return upload.path
