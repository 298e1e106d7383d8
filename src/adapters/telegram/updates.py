"""Pyrogram updates -> the conversation's events (IncomingMessage, IncomingCallback).

Only text messages from people in private chats reach the conversation; channel posts,
anonymous senders, media and service messages do not. A failing handler is logged with its
type and frames, never its message nor the text (either may hold a user's credentials), and
swallowed, so the dispatcher keeps going.
"""

from __future__ import annotations

import traceback

import structlog
from pyrogram import Client, enums, filters, types
from pyrogram.handlers import CallbackQueryHandler, MessageHandler

from cpbatch.application.bot.events import ConversationHandler, IncomingCallback, IncomingMessage

log = structlog.get_logger(__name__)

_PRIVATE = {enums.ChatType.PRIVATE, enums.ChatType.BOT}  # as pyrogram's filters.private


def message_event(message: types.Message) -> IncomingMessage | None:
    """The event for a private text message from a user; None for anything else."""
    chat, user = message.chat, message.from_user
    if chat is None or chat.id is None or chat.type not in _PRIVATE or user is None:
        return None
    if not message.text or message.service or message.empty:
        return None
    return IncomingMessage(
        user_id=user.id, chat_id=chat.id, message_id=message.id, text=str(message.text)
    )


def callback_event(query: types.CallbackQuery) -> IncomingCallback | None:
    """The event for a button pressed under one of our messages in a private chat; None for
    inline-mode buttons (no message), other chats and data that is not UTF-8 text."""
    message, user = query.message, query.from_user
    if message is None or user is None:
        return None
    chat = message.chat
    if chat is None or chat.id is None or chat.type not in _PRIVATE:
        return None
    data = query.data
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not data:
        return None
    return IncomingCallback(
        user_id=user.id,
        chat_id=chat.id,
        message_id=message.id,
        callback_id=str(query.id),
        data=data,
    )


class TelegramUpdates:
    """Feeds a ConversationHandler from a pyrogram Client; built by the container."""

    def __init__(self, handler: ConversationHandler) -> None:
        self._handler = handler

    def register(self, client: Client) -> None:
        """Call from inside the running event loop: pyrogram adds handlers through a task."""
        client.add_handler(MessageHandler(self.on_message, filters.private & filters.text))
        client.add_handler(CallbackQueryHandler(self.on_callback))

    async def on_message(self, _client: Client, message: types.Message) -> None:
        event = message_event(message)
        if event is None:
            log.debug("telegram_message_ignored", message_id=message.id)
            return
        try:
            await self._handler.on_message(event)
        except Exception as exc:
            _log_failure("message", event.user_id, event.chat_id, exc)

    async def on_callback(self, _client: Client, query: types.CallbackQuery) -> None:
        event = callback_event(query)
        if event is None:
            log.debug("telegram_callback_ignored", callback_id=str(query.id))
            return
        try:
            await self._handler.on_callback(event)
        except Exception as exc:
            _log_failure("callback", event.user_id, event.chat_id, exc)


def _log_failure(update: str, user_id: int, chat_id: int, exc: Exception) -> None:
    # Where it failed, but not the exception's message: it may quote what the user typed
    frames = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    log.error(
        "telegram_handler_failed",
        update=update,
        user_id=user_id,
        chat_id=chat_id,
        error=type(exc).__name__,
        frames=frames[-8:],  # not `stack`: structlog's console renderer reserves that key
    )
