"""A stand-in for pyrogram's Client at the network boundary: records what the bot sends and
lets a test deliver real pyrogram update objects to the registered handlers."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyrogram import enums, types
from pyrogram.handlers import CallbackQueryHandler, MessageHandler


@dataclass
class SentDocument:
    chat_id: int
    by_id: bool
    file_name: str | None
    sha256: str | None
    caption: str


@dataclass
class FakeTelegramClient:
    handlers: list[Any] = field(default_factory=list)
    texts: list[tuple[int, str]] = field(default_factory=list)
    edits: list[tuple[int, str]] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)
    documents: list[SentDocument] = field(default_factory=list)
    uploaded_bytes: int = 0
    is_connected: bool = True
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def add_handler(self, handler: Any, group: int = 0) -> None:
        self.handlers.append(handler)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> types.Message:
        self.texts.append((chat_id, text))
        return self._message(chat_id)

    async def edit_message_text(self, chat_id: int, message_id: int, text: str, **_: Any) -> Any:
        self.edits.append((chat_id, text))
        return self._message(chat_id)

    async def delete_messages(self, chat_id: int, message_ids: Any, **_: Any) -> int:
        ids = message_ids if isinstance(message_ids, list) else [message_ids]
        self.deleted.extend((chat_id, i) for i in ids)
        return len(ids)

    async def answer_callback_query(self, *_: Any, **__: Any) -> bool:
        return True

    async def send_document(
        self, chat_id: int, document: Any, caption: str = "", **kwargs: Any
    ) -> types.Message:
        digest = None
        if isinstance(document, Path):
            data = document.read_bytes()
            self.uploaded_bytes += len(data)
            digest = hashlib.sha256(data).hexdigest()
            progress: Callable[..., Any] | None = kwargs.get("progress")
            if progress is not None:
                await progress(len(data), len(data))
            file_id = f"tg-{digest}"
        else:
            file_id = str(document)
        self.documents.append(
            SentDocument(
                chat_id, not isinstance(document, Path), kwargs.get("file_name"), digest, caption
            )
        )
        message = self._message(chat_id)
        message.document = types.Document(file_id=file_id, file_unique_id=file_id[-12:])
        return message

    async def type(self, user_id: int, text: str) -> int:
        """The user sends `text`; returns the message id it had."""
        message = types.Message(
            id=next(self._ids),
            chat=types.Chat(id=user_id, type=enums.ChatType.PRIVATE),
            from_user=types.User(id=user_id),
            text=text,
        )
        for handler in self.handlers:
            if isinstance(handler, MessageHandler):
                await handler.callback(self, message)
        return message.id

    def _message(self, chat_id: int) -> types.Message:
        return types.Message(
            id=next(self._ids), chat=types.Chat(id=chat_id, type=enums.ChatType.PRIVATE)
        )

    def callback_handlers(self) -> list[Any]:
        return [h for h in self.handlers if isinstance(h, CallbackQueryHandler)]
