"""A real pyrogram Client, built and started by the project's own resource, connected over a
loopback socket to the fake data centre; a recording seat where the conversation would be."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyrogram import Client

from cpbatch.adapters.telegram import PyrogramChat, telegram_client_resource
from cpbatch.adapters.telegram.updates import TelegramUpdates
from cpbatch.application.bot.events import IncomingCallback, IncomingMessage
from support.telegram.dc import FakeTelegramDC
from support.telegram.session_file import bot_token_for, write_bot_session
from support.telegram.world import TelegramWorld

PERSON = 4242


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@dataclass
class RecordingConversation:
    """The conversation's seat: records the events pyrogram's dispatcher hands over."""

    events: list[IncomingMessage | IncomingCallback] = field(default_factory=list)
    fail_with: BaseException | None = None

    async def on_message(self, event: IncomingMessage) -> None:
        self.events.append(event)
        if self.fail_with is not None:
            raise self.fail_with

    async def on_callback(self, event: IncomingCallback) -> None:
        self.events.append(event)
        if self.fail_with is not None:
            raise self.fail_with


@dataclass
class WiredBot:
    dc: FakeTelegramDC
    client: Client
    chat: PyrogramChat
    sleeps: Sleeps
    conversation: RecordingConversation

    @property
    def world(self) -> TelegramWorld:
        return self.dc.world

    async def person_says(self, user_id: int, text: str) -> IncomingMessage:
        seen = len(self.conversation.events)
        await self.dc.push(self.world.incoming_text(user_id, text))
        await eventually(lambda: len(self.conversation.events) > seen)
        event = self.conversation.events[-1]
        assert isinstance(event, IncomingMessage)
        return event

    def calls_of(self, function: type) -> list[object]:
        return [call for call in self.world.calls if isinstance(call, function)]


async def eventually(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def start_bot(
    dc: FakeTelegramDC, workdir: Path, **chat_options: object
) -> AsyncIterator[WiredBot]:
    await write_bot_session(dc, workdir)
    running = telegram_client_resource(
        api_id=12345, api_hash="0" * 32, bot_token=bot_token_for(dc), workdir=workdir, workers=1
    )
    client = await anext(running)
    conversation = RecordingConversation()
    TelegramUpdates(conversation).register(client)
    sleeps = Sleeps()
    options = {"flood_wait_cap_s": 60, "retries": 3, "max_flood_waits": 3, "sleep": sleeps}
    chat = PyrogramChat(client, **(options | chat_options))  # type: ignore[arg-type]
    try:
        yield WiredBot(dc, client, chat, sleeps, conversation)
    finally:
        await running.aclose()
