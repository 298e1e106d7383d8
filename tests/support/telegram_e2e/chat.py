"""A person's private chat with the bot, through a real kurigram user client: type a message,
wait for the answer, read an edited screen, press a button by its label, save a document.

Everything waits with a timeout and polls what a Telegram app would show (the chat history,
one message), so a reply that never comes fails the step instead of hanging it.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPLY_S = 20.0
POLL_S = 0.3

Message = Any  # pyrogram.types.Message (imported lazily: see conftest)


def buttons(message: Message) -> list[Any]:
    markup = getattr(message, "reply_markup", None)
    rows = getattr(markup, "inline_keyboard", None) or []
    return [button for row in rows for button in row]


def labels(message: Message) -> list[str]:
    return [str(button.text) for button in buttons(message)]


def text_of(message: Message) -> str:
    return str(message.text or message.caption or "")


class BotChat:
    def __init__(self, client: Any, bot: str) -> None:
        self.client = client
        self.bot = bot

    async def latest_id(self) -> int:
        async for message in self.client.get_chat_history(self.bot, limit=1):
            return int(message.id)
        return 0

    async def send(self, text: str) -> Message:
        return await self.client.send_message(self.bot, text)

    async def incoming(self, after: int, limit: int = 60) -> list[Message]:
        """The bot's messages newer than message id `after`, oldest first."""
        found = [
            m
            async for m in self.client.get_chat_history(self.bot, limit=limit)
            if m.id > after and not m.outgoing
        ]
        return sorted(found, key=lambda m: m.id)

    async def wait_for(
        self,
        after: int,
        count: int = 1,
        timeout_s: float = REPLY_S,
        match: Callable[[Message], bool] = lambda _: True,
        poll_s: float = POLL_S,
    ) -> list[Message]:
        """The first `count` bot messages after `after` that `match`; TimeoutError if fewer."""
        deadline = time.monotonic() + timeout_s
        while True:
            got = [m for m in await self.incoming(after) if match(m)]
            if len(got) >= count:
                return got[:count]
            if time.monotonic() > deadline:
                seen = [text_of(m)[:60] for m in await self.incoming(after)]
                raise TimeoutError(
                    f"{len(got)} of {count} expected messages in {timeout_s} s; {seen}"
                )
            await asyncio.sleep(poll_s)

    async def ask(self, text: str, timeout_s: float = REPLY_S) -> Message:
        """Send `text`; the bot's first answer to it."""
        sent = await self.send(text)
        return (await self.wait_for(sent.id, timeout_s=timeout_s))[0]

    async def quiet(self, after: int, seconds: float) -> list[Message]:
        """Wait `seconds`; whatever the bot sent after `after` meanwhile."""
        await asyncio.sleep(seconds)
        return await self.incoming(after)

    async def fetch(self, message_id: int) -> Message | None:
        """The message as the app shows it now; None once it is deleted."""
        message = await self.client.get_messages(self.bot, message_id)
        return None if message is None or message.empty else message

    async def wait_deleted(self, message_id: int, timeout_s: float = REPLY_S) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if await self.fetch(message_id) is None:
                return True
            await asyncio.sleep(POLL_S)
        return False

    async def wait_text(
        self, message_id: int, match: Callable[[str], bool], timeout_s: float, poll_s: float = 0.5
    ) -> tuple[str, list[str]]:
        """Watch one message until its text matches: (that text, every distinct text seen)."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout_s
        while True:
            message = await self.fetch(message_id)
            text = text_of(message) if message is not None else ""
            if not seen or seen[-1] != text:
                seen.append(text)
            if match(text):
                return text, seen
            if time.monotonic() > deadline:
                raise TimeoutError(f"message never matched in {timeout_s} s; last: {text[:80]!r}")
            await asyncio.sleep(poll_s)

    async def press(self, message: Message, label: str, timeout_s: float = REPLY_S) -> Any:
        """Press the first button whose label contains `label`, as a thumb would; the bot's
        answer to the press (its `message` is the alert text, if any)."""
        button = next((b for b in buttons(message) if label in str(b.text)), None)
        if button is None:
            raise AssertionError(f"no button {label!r} among {labels(message)}")
        return await self.client.request_callback_answer(
            self.bot, message.id, button.callback_data, timeout=int(timeout_s)
        )

    async def press_and_read(self, message: Message, label: str) -> Message:
        """Press a navigation button; the screen the bot edited in its place."""
        await self.press(message, label)
        screen = await self.fetch(message.id)
        if screen is None:
            raise AssertionError(f"the screen vanished after pressing {label!r}")
        return screen

    async def sha256_of(self, message: Message) -> str:
        """Save the document as the app would, and hash what was saved."""
        with tempfile.TemporaryDirectory(prefix="tg-e2e-doc-") as folder:
            path = await self.client.download_media(message, file_name=f"{folder}/document")
            return await asyncio.to_thread(_sha256, Path(path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
