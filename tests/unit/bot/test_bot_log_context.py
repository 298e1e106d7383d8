"""Every line logged for an update, and by the job it starts, carries the user and chat, and
the org and batch once the update names them: pyrogram updates through TelegramUpdates into
the real conversation, the lines read back from the project's JSON output."""

from __future__ import annotations

import pytest
from pyrogram import enums, types

from cpbatch.adapters.telegram import TelegramUpdates
from cpbatch.domain.errors import DownloadFailedError
from support.bot.demo import CAROL_TOKEN, NOTES
from support.bot.world import ALICE, CAROL, BotWorld
from support.log_lines import events, json_lines, project_logging


def typed(user_id: int, text: str) -> types.Message:
    chat = types.Chat(id=user_id, type=enums.ChatType.PRIVATE)
    return types.Message(id=1, chat=chat, from_user=types.User(id=user_id), text=text)


def pressed(world: BotWorld, user_id: int, label: str) -> types.CallbackQuery:
    shown, button = world.chat.button(user_id, label)
    under = typed(user_id, shown.text)
    under.id = shown.message_id
    return types.CallbackQuery(
        id="1", from_user=types.User(id=user_id), chat_instance="1", message=under, data=button.key
    )


async def test_a_sync_jobs_lines_carry_the_user_org_and_batch(
    world: BotWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.gateway.fail_listing[12] = RuntimeError("listing exploded")
    updates = TelegramUpdates(world.bot)

    with project_logging("INFO", "json"):
        await updates.on_message(None, typed(ALICE, "/sync Demo course:12"))
        await world.settle()  # the job's lines come from its own task, after the update

    err = capsys.readouterr().err
    [started] = events(err, "bot_job_started")
    [failed] = events(err, "bot_job_failed")
    for line in (started, failed):
        assert (line["user_id"], line["chat_id"]) == (ALICE, ALICE)
        assert (line["org"], line["batch"], line["job"]) == ("demo", "course:12", "sync")
        assert line["command"] == "sync"
    assert "RuntimeError: listing exploded" in failed["exception"]


async def test_a_pressed_files_job_lines_carry_the_batch_of_the_button(
    world: BotWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.gateway.fail_on_open[101] = DownloadFailedError("ClassPlus timed out.")
    updates = TelegramUpdates(world.bot)
    await updates.on_message(None, typed(ALICE, "/getbatches demo"))
    await updates.on_callback(None, pressed(world, ALICE, "Physics"))
    await updates.on_callback(None, pressed(world, ALICE, "Unit 1"))

    with project_logging("INFO", "json"):
        await updates.on_callback(None, pressed(world, ALICE, "notes.pdf"))
        await world.settle()

    lines = json_lines(capsys.readouterr().err)
    assert [line["event"] for line in lines] == ["bot_job_started", "bot_job_failed"]
    for line in lines:
        assert (line["user_id"], line["org"], line["batch"]) == (ALICE, "demo", "course:12")
    assert lines[1]["error"] == "download_failed"
    assert NOTES.decode() not in str(lines)


async def test_a_login_answer_carries_the_org_it_is_for_and_never_the_code(
    world: BotWorld, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mobile, otp = "9876543210", world.gateway.otp_code
    world.gateway.add_account(world.gateway.orgs["demo"], mobile, CAROL_TOKEN)
    updates = TelegramUpdates(world.bot)
    await updates.on_message(None, typed(CAROL, "/login demo"))
    await updates.on_message(None, typed(CAROL, mobile))

    async def refuse(chat_id: int, message_id: int) -> None:
        raise RuntimeError("message too old to delete")

    monkeypatch.setattr(world.chat, "delete_message", refuse)
    with project_logging("DEBUG", "json"):
        await updates.on_message(None, typed(CAROL, otp))

    err = capsys.readouterr().err
    [kept] = events(err, "bot_secret_message_not_deleted")
    assert (kept["user_id"], kept["chat_id"], kept["org"]) == (CAROL, CAROL, "demo")
    assert otp not in err
    assert mobile not in err
