"""What the chat adapter hands the conversation: plain values, no chat-library types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    user_id: int
    chat_id: int
    message_id: int
    text: str


@dataclass(frozen=True, slots=True)
class IncomingCallback:
    user_id: int
    chat_id: int
    message_id: int  # the message whose button was pressed
    callback_id: str
    data: str  # the button's opaque key, as sent back by the chat service


class ConversationHandler(Protocol):
    """Implemented by the conversation; called by the chat adapter for every update. Each call
    returns quickly: long work (downloads, uploads, syncs) runs as tracked background jobs."""

    async def on_message(self, event: IncomingMessage) -> None: ...

    async def on_callback(self, event: IncomingCallback) -> None: ...
