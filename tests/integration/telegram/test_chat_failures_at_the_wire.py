"""What Telegram's refusals and the network's failures become, raised by the fake data centre
and travelling through pyrogram's session and error mapping, as they would from Telegram."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import structlog
from pyrogram import raw

from cpbatch.application.ports.chat import Upload
from cpbatch.domain.errors import DeliveryError
from support.telegram import INTERNAL, DropConnection, FakeTelegramDC, Hold, RpcFailure
from support.telegram.harness import PERSON, WiredBot, start_bot

SEND = raw.functions.messages.SendMessage


def flood_wait(seconds: int) -> RpcFailure:
    return RpcFailure(420, f"FLOOD_WAIT_{seconds}")


async def test_a_flood_wait_is_waited_out_then_the_message_sent_once(bot: WiredBot) -> None:
    bot.world.fail(SEND, flood_wait(12))  # above the client's 10 s, so pyrogram raises it

    with structlog.testing.capture_logs() as logs:
        message_id = await bot.chat.send_text(PERSON, "hello")

    assert bot.sleeps == [12.0]
    assert len(bot.calls_of(SEND)) == 2
    assert [m.id for m in bot.world.sent_to(PERSON) if m.message == "hello"] == [message_id]
    [line] = [line for line in logs if line["event"] == "telegram_flood_wait"]
    assert line["seconds"] == 12.0


async def test_long_flood_waits_are_capped_and_repeated_ones_give_up(bot: WiredBot) -> None:
    bot.world.fail(SEND, *[flood_wait(3600)] * 4)

    with pytest.raises(DeliveryError, match="try again in 60 min"):
        await bot.chat.send_text(PERSON, "hello")

    assert bot.sleeps == [60, 60, 60]  # capped, max_flood_waits times
    assert len(bot.calls_of(SEND)) == 4
    assert bot.world.texts_to(PERSON) == []


async def test_telegram_internal_errors_past_pyrogram_s_retries_are_retried_for_an_edit(
    bot: WiredBot, quick_pyrogram: None
) -> None:
    # pyrogram retries a 500 itself (twice, under quick_pyrogram), then gives up; we go on
    message_id = await bot.chat.send_text(PERSON, "Downloading…")
    edit = raw.functions.messages.EditMessage
    bot.world.fail(edit, INTERNAL, INTERNAL, INTERNAL)

    await bot.chat.edit_text(PERSON, message_id, "Done")

    assert len(bot.calls_of(edit)) == 4
    assert len(bot.sleeps) == 1
    assert 0 <= bot.sleeps[0] <= 30
    assert [m.message for m in bot.world.sent_to(PERSON) if m.id == message_id] == ["Done"]


async def test_a_send_is_not_tried_again_after_telegrams_own_errors(
    bot: WiredBot, quick_pyrogram: None
) -> None:
    # the message may have gone out: a reported failure beats a duplicate
    bot.world.fail(SEND, INTERNAL, INTERNAL, INTERNAL)

    with pytest.raises(DeliveryError):
        await bot.chat.send_text(PERSON, "hello")

    assert len(bot.calls_of(SEND)) == 2  # pyrogram's own tries only
    assert bot.sleeps == []
    assert bot.world.texts_to(PERSON) == []


async def test_a_dropped_connection_is_survived_and_the_message_sent_once(
    bot: WiredBot, quick_pyrogram: None
) -> None:
    bot.world.fail(SEND, DropConnection())

    message_id = await bot.chat.send_text(PERSON, "hello")

    assert [m.id for m in bot.world.sent_to(PERSON) if m.message == "hello"] == [message_id]
    assert len(bot.calls_of(SEND)) == 2


async def test_a_network_that_stays_down_becomes_a_delivery_error_after_the_retries(
    dc: FakeTelegramDC, tmp_path: Path, quick_pyrogram: None
) -> None:
    async for bot in start_bot(dc, tmp_path / "telegram", retries=1):
        await bot.person_says(PERSON, "/start")
        message_id = await bot.chat.send_text(PERSON, "Downloading…")
        edit = raw.functions.messages.EditMessage
        bot.world.fail(edit, *[DropConnection()] * 10)

        with pytest.raises(DeliveryError, match=r"could not be reached .*\(2 tries\)") as err:
            await bot.chat.edit_text(PERSON, message_id, "Done")

        assert isinstance(err.value.__cause__, OSError)
        assert len(bot.sleeps) == 1
        assert [m.message for m in bot.world.sent_to(PERSON)] == ["Downloading…"]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (RpcFailure(403, "USER_IS_BLOCKED"), "blocked the bot"),
        (RpcFailure(400, "PEER_ID_INVALID"), "send /start"),
        (RpcFailure(400, "INPUT_USER_DEACTIVATED"), "has been deleted"),
        (
            RpcFailure(400, "CHAT_ADMIN_REQUIRED"),
            r"Telegram refused to send a message \(CHAT_ADMIN_REQUIRED\)",
        ),
    ],
)
async def test_telegrams_refusals_are_final_and_readable(
    bot: WiredBot, failure: RpcFailure, message: str
) -> None:
    bot.world.fail(SEND, failure)

    with pytest.raises(DeliveryError, match=message):
        await bot.chat.send_text(PERSON, "hello")

    assert len(bot.calls_of(SEND)) == 1
    assert bot.sleeps == []


async def test_a_message_to_someone_who_never_wrote_is_refused_readably(bot: WiredBot) -> None:
    with pytest.raises(DeliveryError, match="send /start"):
        await bot.chat.send_text(31337, "hello")


async def test_cancelling_a_send_in_flight_cancels_it(bot: WiredBot) -> None:
    held = Hold()
    bot.world.fail(SEND, held)
    task = asyncio.create_task(bot.chat.send_text(PERSON, "hello"))
    await held.reached.wait()

    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    held.release.set()
    assert len(bot.calls_of(SEND)) == 1


async def test_cancelling_during_a_flood_wait_cancels_the_send(
    dc: FakeTelegramDC, tmp_path: Path
) -> None:
    async for bot in start_bot(dc, tmp_path / "telegram", sleep=asyncio.sleep):
        await bot.person_says(PERSON, "/start")
        pdf = tmp_path / "a.pdf"
        pdf.write_bytes(b"%PDF-1.4 notes")
        first = await bot.chat.send_document(PERSON, Upload("a.pdf", path=pdf), "")
        media = raw.functions.messages.SendMedia
        bot.world.fail(media, flood_wait(30))
        again = Upload("a.pdf", remote_id=first.remote_id)
        task = asyncio.create_task(bot.chat.send_document(PERSON, again, ""))
        while len(bot.calls_of(media)) < 2 and not task.done():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # into the 30 s wait

        task.cancel()

        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(bot.calls_of(media)) == 2
        assert len(bot.world.received) == 1
