"""A person using the bot through the fake data centre: types, presses buttons by their
label, and reads what the bot sent, as a Telegram app shows it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pyrogram import raw

from support.telegram.dc import FakeTelegramDC
from support.telegram.world import SentDocument, TelegramWorld


class Person:
    def __init__(self, dc: FakeTelegramDC, user_id: int, first_name: str = "Test") -> None:
        self.dc = dc
        self.user_id = user_id
        dc.world.person(user_id, first_name)

    @property
    def world(self) -> TelegramWorld:
        return self.dc.world

    async def says(self, text: str) -> int:
        """Sends `text` to the bot; returns the message's id."""
        updates = self.world.incoming_text(self.user_id, text)
        await self.dc.push(updates)
        return int(updates.updates[0].message.id)

    def messages(self) -> list[raw.types.Message]:
        """What the bot sent that is still in the chat, oldest first."""
        return self.world.sent_to(self.user_id)

    def texts(self) -> list[str]:
        return self.world.texts_to(self.user_id)

    def documents(self) -> list[SentDocument]:
        return [d for d in self.world.received if d.chat_id == self.user_id]

    def answers(self) -> list[raw.functions.messages.SetBotCallbackAnswer]:
        return list(self.world.callback_answers.values())

    def can_see(self, message_id: int) -> bool:
        return (self.user_id, message_id) not in self.world.deleted

    async def presses(self, label: str) -> int:
        """Presses the newest button whose label starts with `label`; returns the query id."""
        for message in reversed(self.messages()):
            for text, data in self.world.buttons(message).items():
                if text.startswith(label):
                    press = self.world.button_press(self.user_id, message.id, data)
                    await self.dc.push(press)
                    return int(press.updates[0].query_id)
        raise AssertionError(f"no button {label!r} in the chat; texts: {self.texts()[-3:]}")

    async def waits_for(self, check: Callable[[], bool], timeout_s: float = 20.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"not reached in time; last texts: {self.texts()[-3:]}")
            await asyncio.sleep(0.02)

    async def reply_after(self, text: str, timeout_s: float = 20.0) -> str:
        """Says `text` and returns the first new text the bot sends after it."""
        before = len(self.texts())
        await self.says(text)
        await self.waits_for(lambda: len(self.texts()) > before, timeout_s)
        return self.texts()[before]
