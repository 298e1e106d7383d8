"""TelegramUpdates fed with real pyrogram update objects, built here; the same flows through
pyrogram's own session and dispatcher are in tests/integration/telegram."""

from __future__ import annotations

import asyncio

import pytest
import structlog
from pyrogram import Client, enums, types

from cpbatch.adapters.telegram import TelegramUpdates, build_client
from cpbatch.application.bot.events import IncomingCallback, IncomingMessage

PRIVATE, GROUP, CHANNEL = enums.ChatType.PRIVATE, enums.ChatType.GROUP, enums.ChatType.CHANNEL


class Conversation:
    """Records the events it is handed; raises `fail_with` for the next one if set."""

    def __init__(self) -> None:
        self.events: list[IncomingMessage | IncomingCallback] = []
        self.fail_with: BaseException | None = None

    async def on_message(self, event: IncomingMessage) -> None:
        await self._take(event)

    async def on_callback(self, event: IncomingCallback) -> None:
        await self._take(event)

    async def _take(self, event: IncomingMessage | IncomingCallback) -> None:
        self.events.append(event)
        if self.fail_with is not None:
            exc, self.fail_with = self.fail_with, None
            raise exc


def message(
    text: str | None = "hello",
    *,
    chat_type: enums.ChatType = PRIVATE,
    user_id: int | None = 7,
    **extra,
) -> types.Message:
    return types.Message(
        id=11,
        chat=types.Chat(id=5000 + (user_id or 0), type=chat_type),
        from_user=types.User(id=user_id) if user_id is not None else None,
        text=text,
        **extra,
    )


def callback(data: str | bytes | None, under: types.Message | None = None) -> types.CallbackQuery:
    return types.CallbackQuery(
        id="4242",
        from_user=types.User(id=7),
        chat_instance="-99",
        message=under if under is not None else message("Pick one"),
        data=data,
    )


@pytest.fixture
def conversation() -> Conversation:
    return Conversation()


@pytest.fixture
def updates(conversation) -> TelegramUpdates:
    return TelegramUpdates(conversation)


@pytest.mark.parametrize("text", ["hello", "/start", "/batches 12"])
async def test_private_text_messages_and_commands_reach_the_conversation(
    updates, conversation, text
):
    await updates.on_message(None, message(text))

    assert conversation.events == [
        IncomingMessage(user_id=7, chat_id=5007, message_id=11, text=text)
    ]


@pytest.mark.parametrize(
    "update",
    [
        message(chat_type=GROUP),
        message(chat_type=CHANNEL, user_id=None),  # a channel post
        message(user_id=None),  # no sender
        message(None, caption="a photo"),  # not text
        message(""),
        message("joined", service=enums.MessageServiceType.NEW_CHAT_MEMBERS),
    ],
    ids=["group", "channel-post", "no-sender", "photo", "empty", "service"],
)
async def test_everything_else_is_ignored(updates, conversation, update):
    await updates.on_message(None, update)

    assert conversation.events == []


async def test_a_button_press_becomes_a_callback_event(updates, conversation):
    await updates.on_callback(None, callback("batch:12"))

    assert conversation.events == [
        IncomingCallback(
            user_id=7, chat_id=5007, message_id=11, callback_id="4242", data="batch:12"
        )
    ]


async def test_callback_bytes_are_decoded_and_undecodable_ones_ignored(updates, conversation):
    await updates.on_callback(None, callback("dl:ü".encode()))
    await updates.on_callback(None, callback(b"\xff\xfe"))

    assert [event.data for event in conversation.events] == ["dl:ü"]


@pytest.mark.parametrize(
    "query",
    [
        callback("x", under=message(chat_type=GROUP)),
        callback(None),
        types.CallbackQuery(id="1", from_user=types.User(id=7), inline_message_id="abc", data="x"),
    ],
    ids=["group", "no-data", "inline-message"],
)
async def test_callbacks_outside_our_private_messages_are_ignored(updates, conversation, query):
    await updates.on_callback(None, query)

    assert conversation.events == []


async def test_a_failing_handler_is_logged_without_the_text_and_the_next_update_flows(
    updates, conversation
):
    conversation.fail_with = ValueError("token eyJ.secret.pasted by the user")

    with structlog.testing.capture_logs() as logs:
        await updates.on_message(None, message("my token is eyJ.secret"))
        await updates.on_callback(None, callback("next"))

    assert [type(e).__name__ for e in conversation.events] == [
        "IncomingMessage",
        "IncomingCallback",
    ]
    [failure] = [line for line in logs if line["event"] == "telegram_handler_failed"]
    assert failure["error"] == "ValueError"
    assert failure["user_id"] == 7
    assert failure["frames"]
    assert "secret" not in repr(failure)


async def test_cancellation_of_a_handler_propagates(updates, conversation):
    conversation.fail_with = asyncio.CancelledError()

    with pytest.raises(asyncio.CancelledError):
        await updates.on_message(None, message())


async def test_register_on_a_real_client_needs_no_network(updates, tmp_path):
    client: Client = build_client(
        api_id=1, api_hash="0" * 32, bot_token="123456:" + "A" * 35, workdir=tmp_path
    )

    updates.register(client)
    await asyncio.sleep(0)  # pyrogram adds handlers through a task

    callbacks = [handler.callback for handler in client.dispatcher.groups[0]]
    assert callbacks == [updates.on_message, updates.on_callback]
