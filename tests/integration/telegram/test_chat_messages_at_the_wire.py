"""PyrogramChat's messages, edits, deletions and button answers, through pyrogram's own
methods, parsers, session and encryption to a fake Telegram data centre on a socket."""

from __future__ import annotations

import pytest
from pyrogram import raw

from cpbatch.application.ports.chat import Button
from cpbatch.domain.errors import DeliveryError
from support.telegram import RpcFailure
from support.telegram.harness import PERSON, WiredBot, eventually


async def test_a_text_with_buttons_arrives_as_typed_with_its_keyboard(bot: WiredBot) -> None:
    keyboard = ((Button("Batch A", "b:1"), Button("Batch B", "b:2")), (Button("Back", "back"),))

    message_id = await bot.chat.send_text(PERSON, "Pick __one__ *batch*", keyboard)

    [message] = [m for m in bot.world.sent_to(PERSON) if m.id == message_id]
    assert message.message == "Pick __one__ *batch*"  # no Markdown read into it
    assert not message.entities
    assert bot.world.keyboard(message) == [
        [("Batch A", b"b:1"), ("Batch B", b"b:2")],
        [("Back", b"back")],
    ]


@pytest.mark.parametrize("keyboard", [None, (), ((),)])
async def test_a_plain_text_arrives_without_a_keyboard(bot: WiredBot, keyboard) -> None:
    message_id = await bot.chat.send_text(PERSON, "hello", keyboard)

    [message] = [m for m in bot.world.sent_to(PERSON) if m.id == message_id]
    assert message.message == "hello"
    assert message.reply_markup is None


async def test_a_text_over_telegrams_limit_is_cut_not_refused(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "😀" * 3000)  # 6000 UTF-16 units

    [message] = [m for m in bot.world.sent_to(PERSON) if m.id == message_id]
    assert len(message.message.encode("utf-16-le")) // 2 <= 4096
    assert message.message.endswith("…")


async def test_an_edit_changes_the_text_and_keyboard(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "Downloading 10%", ((Button("Stop", "s"),),))

    await bot.chat.edit_text(PERSON, message_id, "Done")

    [message] = [m for m in bot.world.sent_to(PERSON) if m.id == message_id]
    assert (message.message, message.reply_markup) == ("Done", None)


async def test_editing_to_the_same_text_is_not_an_error(bot: WiredBot) -> None:
    keyboard = ((Button("Stop", "stop"),),)
    message_id = await bot.chat.send_text(PERSON, "same", keyboard)

    await bot.chat.edit_text(PERSON, message_id, "same", keyboard)  # MESSAGE_NOT_MODIFIED

    assert len(bot.calls_of(raw.functions.messages.EditMessage)) == 1


async def test_editing_a_vanished_message_is_a_delivery_error_without_retries(
    bot: WiredBot,
) -> None:
    message_id = await bot.chat.send_text(PERSON, "soon gone")
    await bot.chat.delete_message(PERSON, message_id)

    with pytest.raises(DeliveryError, match="MESSAGE_ID_INVALID"):
        await bot.chat.edit_text(PERSON, message_id, "new text")

    assert len(bot.calls_of(raw.functions.messages.EditMessage)) == 1
    assert bot.sleeps == []


async def test_a_deleted_message_is_gone_for_the_person(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "a token was here")

    await bot.chat.delete_message(PERSON, message_id)

    assert message_id not in [m.id for m in bot.world.sent_to(PERSON)]


@pytest.mark.parametrize(
    "gone",
    [
        RpcFailure(400, "MESSAGE_ID_INVALID"),
        RpcFailure(403, "MESSAGE_DELETE_FORBIDDEN"),
        RpcFailure(400, "MESSAGE_IDS_EMPTY"),
    ],
)
async def test_deleting_a_message_already_gone_is_fine(bot: WiredBot, gone: RpcFailure) -> None:
    bot.world.fail(raw.functions.messages.DeleteMessages, gone)

    await bot.chat.delete_message(PERSON, 999_999)

    assert len(bot.calls_of(raw.functions.messages.DeleteMessages)) == 1


async def test_a_person_deleting_their_own_message_twice_changes_nothing(bot: WiredBot) -> None:
    event = await bot.person_says(PERSON, "/token ORG secret-looking")

    await bot.chat.delete_message(PERSON, event.message_id)
    await bot.chat.delete_message(PERSON, event.message_id)

    assert bot.world.deleted.count((PERSON, event.message_id)) == 1


async def test_a_button_press_is_answered_with_its_alert(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "pick", ((Button("Go", "go"),),))
    seen = len(bot.conversation.events)
    await bot.dc.push(bot.world.button_press(PERSON, message_id, b"go"))
    await eventually(lambda: len(bot.conversation.events) > seen)
    callback = bot.conversation.events[-1]

    await bot.chat.answer_callback(callback.callback_id, "Started", alert=True)

    answer = bot.world.callback_answers[int(callback.callback_id)]
    assert (answer.message, answer.alert) == ("Started", True)


async def test_answering_an_expired_button_press_is_not_an_error(bot: WiredBot) -> None:
    await bot.chat.answer_callback("12345")  # QUERY_ID_INVALID: Telegram forgot it

    assert len(bot.calls_of(raw.functions.messages.SetBotCallbackAnswer)) == 1
