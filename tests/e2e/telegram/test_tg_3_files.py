"""Steps 9-14: files. A tap sends a document equal to the simulator's bytes; the same tap
again goes by Telegram's file id; a video is refused; "Download all" and /sync send exactly
their files; two people tapping one new file at once cause one upload."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from support.telegram_e2e.chat import text_of
from support.telegram_e2e.delivery import is_document, receive_documents
from support.telegram_e2e.screens import (
    CHAPTER_1,
    MATHS,
    MATHS_ID,
    MORNING_BATCH,
    MORNING_BATCH_ID,
    ORG,
    PHYSICS,
    PHYSICS_ID,
    SYLLABUS,
    VIDEO,
    open_folder,
)

if TYPE_CHECKING:
    from support.telegram_e2e.chat import BotChat, Message
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

SMALL_FILES_S = 90.0


async def _final_word(chat: BotChat, after: int, contains: str) -> str:
    """The job's progress message (the bot's first non-document message after `after`), once
    it holds `contains`."""
    progress = (await chat.wait_for(after, match=lambda m: not is_document(m)))[0]
    text, _ = await chat.wait_text(progress.id, lambda t: contains in t, SMALL_FILES_S)
    return text


async def _tap_file(e2e: TelegramE2E, screen: Message, name: str) -> Message:
    chat = e2e.admin
    mark = await chat.latest_id()
    answer = await chat.press(screen, name)
    assert not answer.alert, f"pressing {name!r} raised an alert: {answer.message}"
    entry = e2e.files.file(PHYSICS_ID, (), name)
    (document,) = await receive_documents(chat, mark, [entry], SMALL_FILES_S)
    assert "Sent" in await _final_word(chat, mark, "Sent")
    _remember(e2e, [document])
    return document


def _remember(e2e: TelegramE2E, documents: list[Message]) -> None:
    """Keep what arrived, for the check of the sizes shown in captions."""
    e2e.memory.setdefault("documents", []).extend(documents)


async def test_09_a_file_tap_sends_the_document(e2e: TelegramE2E) -> None:
    root = await open_folder(e2e.admin, PHYSICS)
    e2e.memory["physics_root"] = root
    e2e.memory["syllabus"] = await _tap_file(e2e, root, SYLLABUS)


async def test_10_the_same_file_again_goes_by_its_telegram_id(e2e: TelegramE2E) -> None:
    first = e2e.memory["syllabus"]
    again = await _tap_file(e2e, e2e.memory["physics_root"], SYLLABUS)
    # One upload: Telegram hands back the very document it stored the first time.
    assert again.document.file_unique_id == first.document.file_unique_id


async def test_11_a_video_is_refused(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    mark = await chat.latest_id()
    answer = await chat.press(e2e.memory["physics_root"], VIDEO)
    assert answer.alert, answer.message
    assert "not downloadable" in str(answer.message).lower(), answer.message
    assert await chat.quiet(mark, seconds=3) == []


async def test_12_download_all_sends_every_file_below_the_folder(e2e: TelegramE2E) -> None:
    # Not a folder with a .png: piltover answers 500 to any PNG document whose bytes are not
    # a real image (its thumbnailer fails; the simulator's bytes are not images).
    chat = e2e.admin
    screen = await open_folder(chat, MATHS)
    expected = e2e.files.below(MATHS_ID, ())
    assert len(expected) == 5
    mark = await chat.latest_id()
    answer = await chat.press(screen, "Download all")
    assert not answer.alert, answer.message
    _remember(e2e, await receive_documents(chat, mark, expected, SMALL_FILES_S))
    summary = await _final_word(chat, mark, "Sent")
    assert "5" in summary, summary
    assert MATHS in summary, summary
    assert len([m for m in await chat.incoming(mark) if is_document(m)]) == 5


async def test_13_sync_sends_the_batch_and_names_it(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    expected = e2e.files.below(MORNING_BATCH_ID, ())
    assert len(expected) == 4
    command = await chat.send(f"/sync {ORG} batch:{MORNING_BATCH_ID}")
    _remember(e2e, await receive_documents(chat, command.id, expected, SMALL_FILES_S))
    progress = (await chat.wait_for(command.id, match=lambda m: not is_document(m)))[0]
    summary, _ = await chat.wait_text(progress.id, lambda t: "Sent" in t, SMALL_FILES_S)
    assert len([m for m in await chat.incoming(command.id) if is_document(m)]) == 4
    assert MORNING_BATCH in summary, f"the summary does not name the batch: {summary!r}"


async def test_14_two_people_tapping_one_new_file_cause_one_upload(e2e: TelegramE2E) -> None:
    chats = (e2e.admin, e2e.member)
    question = await e2e.member.ask(f"/token {ORG}")
    assert "token" in text_of(question).lower(), text_of(question)
    pasted = await e2e.member.send(e2e.classplus_token)
    assert "logged in" in text_of((await e2e.member.wait_for(pasted.id))[0]).lower()
    entry = e2e.files.file(PHYSICS_ID, CHAPTER_1[:1], "Kinematics formula sheet.pdf")
    screens = [await open_folder(chat, PHYSICS, CHAPTER_1[:1]) for chat in chats]
    marks = [await chat.latest_id() for chat in chats]
    taps = [chat.press(screen, entry["name"]) for chat, screen in zip(chats, screens, strict=True)]
    answers = await asyncio.gather(*taps)  # at the same moment, as two thumbs would
    assert not any(answer.alert for answer in answers), [a.message for a in answers]
    documents = [
        (await receive_documents(chat, mark, [entry], SMALL_FILES_S))[0]
        for chat, mark in zip(chats, marks, strict=True)
    ]
    ids = {message.document.file_unique_id for message in documents}
    assert len(ids) == 1, "the file was uploaded twice: each person got another Telegram document"
