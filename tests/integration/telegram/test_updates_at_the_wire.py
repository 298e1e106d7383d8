"""Updates as Telegram pushes them: raw TL over the socket, decoded by pyrogram's session,
parsed and filtered by its real dispatcher, handed to TelegramUpdates, then to the seat where
the conversation sits. The client runs one dispatcher worker, so updates are handled in the
order they were pushed and a later one proves an earlier one was dropped."""

from __future__ import annotations

import pytest
import structlog
from pyrogram import raw

from cpbatch.application.bot.events import IncomingCallback, IncomingMessage
from support.telegram.harness import PERSON, WiredBot, eventually
from support.telegram.world import now

GROUP_ID, CHANNEL_ID = 700, 800


async def pushed_then_sentinel(bot: WiredBot, updates: raw.types.Updates) -> list[object]:
    """Push `updates`, then a text; return what reached the conversation before the text."""
    seen = len(bot.conversation.events)
    await bot.dc.push(updates)
    sentinel = await bot.person_says(PERSON, "sentinel")
    assert sentinel.text == "sentinel"
    return bot.conversation.events[seen:-1]


@pytest.mark.parametrize("text", ["hello", "/start", "/getbatches learnwell"])
async def test_a_private_text_reaches_the_conversation_with_its_ids(
    bot: WiredBot, text: str
) -> None:
    event = await bot.person_says(PERSON, text)

    stored = bot.world.messages[event.message_id]
    assert (stored.message, stored.out) == (text, None)
    assert event == IncomingMessage(user_id=PERSON, chat_id=PERSON, message_id=stored.id, text=text)


def _private(bot: WiredBot, **fields: object) -> raw.types.Updates:
    message = raw.types.Message(
        id=bot.world.new_message_id(),
        peer_id=raw.types.PeerUser(user_id=PERSON),
        date=now(),
        **fields,  # type: ignore[arg-type]
    )
    update = raw.types.UpdateNewMessage(message=message, pts=bot.world.next_pts(), pts_count=1)
    return bot.world.updates([update], bot.world.person(PERSON))


def _group_message(bot: WiredBot) -> raw.types.Updates:
    group = raw.types.Chat(
        id=GROUP_ID, title="class", photo=raw.types.ChatPhotoEmpty(),
        participants_count=3, date=now(), version=1,
    )  # fmt: skip
    message = raw.types.Message(
        id=bot.world.new_message_id(),
        peer_id=raw.types.PeerChat(chat_id=GROUP_ID),
        from_id=raw.types.PeerUser(user_id=PERSON),
        date=now(),
        message="/getbatches in a group",
    )
    update = raw.types.UpdateNewMessage(message=message, pts=bot.world.next_pts(), pts_count=1)
    return bot.world.updates([update], bot.world.person(PERSON), chats=[group])


def _channel_post(bot: WiredBot) -> raw.types.Updates:
    channel = raw.types.Channel(
        id=CHANNEL_ID, title="news", photo=raw.types.ChatPhotoEmpty(), date=now(),
        broadcast=True, access_hash=99,
    )  # fmt: skip
    message = raw.types.Message(
        id=1, peer_id=raw.types.PeerChannel(channel_id=CHANNEL_ID), date=now(),
        message="/sync from a channel", post=True,
    )  # fmt: skip
    update = raw.types.UpdateNewChannelMessage(message=message, pts=1, pts_count=1)
    return bot.world.updates([update], chats=[channel])


def _document_from_person(bot: WiredBot) -> raw.types.Updates:
    stored = bot.world.store_document(b"%PDF", "mine.pdf", "application/pdf")
    return _private(bot, message="", media=raw.types.MessageMediaDocument(document=stored.document))


def _service_message(bot: WiredBot) -> raw.types.Updates:
    message = raw.types.MessageService(
        id=bot.world.new_message_id(),
        peer_id=raw.types.PeerUser(user_id=PERSON),
        date=now(),
        action=raw.types.MessageActionHistoryClear(),
    )
    update = raw.types.UpdateNewMessage(message=message, pts=bot.world.next_pts(), pts_count=1)
    return bot.world.updates([update], bot.world.person(PERSON))


@pytest.mark.parametrize(
    "build",
    [_group_message, _channel_post, _document_from_person, _service_message],
    ids=["group", "channel-post", "document", "service"],
)
async def test_everything_but_private_text_is_dropped(bot: WiredBot, build) -> None:
    assert await pushed_then_sentinel(bot, build(bot)) == []


async def test_a_button_press_becomes_a_callback_event(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "Pick", None)
    press = bot.world.button_press(PERSON, message_id, "batch:12 ü".encode())
    query_id = press.updates[0].query_id

    [event] = await pushed_then_sentinel(bot, press)

    assert event == IncomingCallback(
        user_id=PERSON,
        chat_id=PERSON,
        message_id=message_id,
        callback_id=str(query_id),
        data="batch:12 ü",
    )


async def test_undecodable_button_data_is_dropped(bot: WiredBot) -> None:
    message_id = await bot.chat.send_text(PERSON, "Pick", None)

    dropped = await pushed_then_sentinel(
        bot, bot.world.button_press(PERSON, message_id, b"\xff\xfe")
    )

    assert dropped == []


async def test_a_press_under_an_inline_mode_message_is_dropped(bot: WiredBot) -> None:
    update = raw.types.UpdateInlineBotCallbackQuery(
        query_id=1,
        user_id=PERSON,
        msg_id=raw.types.InputBotInlineMessageID(dc_id=2, id=5, access_hash=6),
        chat_instance=7,
        data=b"dl:1",
    )

    dropped = await pushed_then_sentinel(bot, bot.world.updates([update], bot.world.person(PERSON)))

    assert dropped == []


async def test_a_failing_handler_is_logged_without_the_text_and_the_next_update_flows(
    bot: WiredBot,
) -> None:
    bot.conversation.fail_with = ValueError("token eyJ.secret pasted by the user")

    with structlog.testing.capture_logs() as logs:
        await bot.person_says(PERSON, "my token is eyJ.secret")
        bot.conversation.fail_with = None
        await bot.person_says(PERSON, "still here")

    [failure] = [line for line in logs if line["event"] == "telegram_handler_failed"]
    assert (failure["error"], failure["user_id"]) == ("ValueError", PERSON)
    assert failure["frames"]
    assert "secret" not in repr(failure)
    assert bot.conversation.events[-1].text == "still here"


@pytest.mark.parametrize("fmt", ["console", "json"])
async def test_a_handler_failure_renders_as_a_log_line(
    bot: WiredBot, fmt: str, capsys: pytest.CaptureFixture[str], project_logging
) -> None:
    project_logging("INFO", fmt)
    bot.conversation.fail_with = ValueError("boom")

    await bot.person_says(PERSON, "hello")

    seen: list[str] = []
    await eventually(
        lambda: seen.append(capsys.readouterr().err) or "telegram_handler_failed" in "".join(seen)
    )
    err = "".join(seen)
    assert "ValueError" in err
    assert "Logging error" not in err


async def test_at_debug_the_log_never_shows_what_people_type_or_are_sent(
    bot: WiredBot, capsys: pytest.CaptureFixture[str], project_logging
) -> None:
    project_logging("DEBUG", "console")
    otp, mobile = "369611", "9876501234"

    await bot.person_says(PERSON, otp)
    await bot.chat.send_text(PERSON, f"Code sent to {mobile}")
    structlog.get_logger("probe").debug("debug_lines_are_on")

    err = capsys.readouterr().err
    assert "debug_lines_are_on" in err  # DEBUG is really on
    assert otp not in err
    assert mobile not in err
