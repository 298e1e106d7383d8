"""ChatPort over a pyrogram Client. Every call goes through TelegramRetry (flood waits,
transient failures) and fails as a DeliveryError. Texts go out as plain text: pyrogram's
default parse mode reads Markdown and HTML, which would mangle names like `__init__.py`."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from functools import partial

import structlog
from pyrogram import Client, enums, errors, types

from cpbatch.adapters.telegram.outgoing import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    chunk_callback,
    fit,
    local_file,
    markup_of,
)
from cpbatch.adapters.telegram.retry import Sleep, TelegramRetry
from cpbatch.application.ports.chat import Keyboard, SentDocument, Upload, UploadProgress
from cpbatch.domain.errors import DeliveryError

log = structlog.get_logger(__name__)

_PLAIN = enums.ParseMode.DISABLED
_GONE = (errors.MessageIdInvalid, errors.MessageIdsEmpty, errors.MessageDeleteForbidden)
# A file id Telegram (or pyrogram, with ValueError) will not take: worth uploading the bytes
_STALE_FILE_ID = (
    errors.FileIdInvalid, errors.FileReferenceEmpty, errors.FileReferenceExpired,
    errors.FileReferenceInvalid, errors.MediaEmpty, errors.MediaInvalid,
    errors.DocumentInvalid, ValueError,
)  # fmt: skip


class PyrogramChat:
    """`retries`: further tries after a transient failure (so retries + 1 in all);
    `flood_wait_cap_s`: the longest single FloodWait sleep; `max_flood_waits` of them per
    call before giving up; `sleep` is injectable so tests stay instant."""

    def __init__(
        self,
        client: Client,
        *,
        flood_wait_cap_s: float = 300.0,
        retries: int = 3,
        max_flood_waits: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client = client
        self._retry = TelegramRetry(
            retries=retries,
            flood_wait_cap_s=flood_wait_cap_s,
            max_flood_waits=max_flood_waits,
            backoff_s=backoff_s,
            max_backoff_s=max_backoff_s,
            sleep=sleep,
        )

    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard | None = None) -> int:
        send = partial(
            self._client.send_message,
            chat_id,
            fit(text, MAX_TEXT),
            parse_mode=_PLAIN,
            reply_markup=markup_of(keyboard),
        )
        message = await self._retry.run("send_text", send)
        if message is None:
            raise DeliveryError("Telegram did not confirm the message; try again.")
        return message.id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None
    ) -> None:
        async def edit() -> None:
            # The same text again is not an error (the port's contract)
            with suppress(errors.MessageNotModified):
                await self._client.edit_message_text(
                    chat_id,
                    message_id,
                    fit(text, MAX_TEXT),
                    parse_mode=_PLAIN,
                    reply_markup=markup_of(keyboard),
                )

        await self._retry.run("edit_text", edit)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        async def delete() -> None:
            try:
                await self._client.delete_messages(chat_id, message_id)
            except _GONE as exc:
                log.info("telegram_delete_skipped", chat_id=chat_id, rpc=exc.ID)

        await self._retry.run("delete_message", delete)

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None:
        async def answer() -> None:
            try:
                await self._client.answer_callback_query(
                    callback_id,
                    text=fit(text, MAX_CALLBACK_ANSWER) if text else None,
                    show_alert=alert,
                )
            except errors.QueryIdInvalid:
                log.info("telegram_callback_expired")  # too old to answer; nothing to do

        await self._retry.run("answer_callback", answer)

    async def send_document(
        self,
        chat_id: int,
        upload: Upload,
        caption: str,
        progress: UploadProgress | None = None,
    ) -> SentDocument:
        caption = fit(caption, MAX_CAPTION)
        if upload.remote_id is not None:
            try:
                return await self._send_by_id(chat_id, upload.remote_id, caption)
            except DeliveryError as exc:
                if upload.path is None or not isinstance(exc.__cause__, _STALE_FILE_ID):
                    raise
                cause = type(exc.__cause__).__name__
                log.info("telegram_file_id_refused", chat_id=chat_id, error=cause)
        path = await local_file(upload)
        on_chunk = chunk_callback(progress) if progress is not None else None
        send = partial(
            self._client.send_document,
            chat_id,
            path,
            caption=caption,
            parse_mode=_PLAIN,
            file_name=upload.file_name,
            force_document=True,  # else Telegram may turn a .mp4 into a video, a .mp3 into audio
            progress=on_chunk,
        )
        return _sent(await self._retry.run("send_document", send))

    async def _send_by_id(self, chat_id: int, file_id: str, caption: str) -> SentDocument:
        """Moves no bytes. Telegram keeps the name the file was first uploaded with."""
        send = partial(
            self._client.send_document, chat_id, file_id, caption=caption, parse_mode=_PLAIN
        )
        return _sent(await self._retry.run("send_document", send))


def _sent(message: types.Message | None) -> SentDocument:
    # None when pyrogram stopped the transmission; a document unless Telegram re-typed it
    media = message and (message.document or message.video or message.audio)
    if message is None or not media:
        raise DeliveryError("Telegram did not confirm the file; try sending it again.")
    return SentDocument(remote_id=media.file_id, message_id=message.id)
