"""The port to a chat service (Telegram through Pyrogram in production, a fake in tests).

No chat library's types cross this port: the conversation speaks in chat ids, message ids,
text, and keyboards of buttons whose data are short opaque keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback data


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    key: str  # opaque callback data, at most MAX_CALLBACK_BYTES bytes

    def __post_init__(self) -> None:
        if len(self.key.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError("callback data longer than Telegram allows")


Keyboard = tuple[tuple[Button, ...], ...]  # rows of buttons


@dataclass(frozen=True, slots=True)
class Upload:
    """A document to send: bytes from a local file, or an id the chat service already has."""

    file_name: str
    path: Path | None = None
    remote_id: str | None = None  # reuse of an earlier upload: moves no bytes


@dataclass(frozen=True, slots=True)
class SentDocument:
    remote_id: str  # the chat service's id of the uploaded file, reusable for later sends
    message_id: int | None = None  # the message that carries it, when the service says


UploadProgress = Callable[[int, int], Awaitable[None]]  # (bytes sent, total bytes)


class ChatPort(Protocol):
    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard | None = None) -> int:
        """Send a message; returns its message id."""
        ...

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None
    ) -> None:
        """Replace a message's text (and keyboard). Editing to identical text is not an error."""
        ...

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Delete a message; one already gone is not an error."""
        ...

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None: ...

    async def send_document(
        self,
        chat_id: int,
        upload: Upload,
        caption: str,
        progress: UploadProgress | None = None,
    ) -> SentDocument:
        """Send a document, waiting out flood limits and retrying transient network errors.
        Raises DeliveryError when it cannot be delivered; cancellation stops the upload."""
        ...
