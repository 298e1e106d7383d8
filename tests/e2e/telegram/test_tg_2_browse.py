"""Steps 6-8: /getbatches as a person browses it. The org code asked for, every batch as a
button, folders opened and left (Up, Back to batches), pages turned both ways."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from cpbatch.application.bot import browse_texts
from support.telegram_e2e.chat import labels, text_of
from support.telegram_e2e.screens import (
    BATCHES,
    CHAPTER_1,
    ORG,
    PHYSICS,
    PHYSICS_ID,
    PRACTICE_SHEETS,
    SYLLABUS,
    VIDEO,
    open_folder,
)

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _has(screen_labels: list[str], name: str) -> bool:
    return any(name in label for label in screen_labels)


async def test_06_getbatches_asks_the_org_then_lists_every_batch(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    question = text_of(await chat.ask("/getbatches"))
    assert "organization code" in question.lower(), question
    listing = await chat.ask(ORG)
    assert "LearnWell Academy" in text_of(listing)
    missing = [name for name in BATCHES if not _has(labels(listing), name)]
    assert not missing, f"no button for {missing} among {labels(listing)}"


async def test_07_folders_open_go_up_and_back_to_batches(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    root = await open_folder(e2e.admin, PHYSICS)
    assert PHYSICS in text_of(root)
    for name in (CHAPTER_1[0], PRACTICE_SHEETS[0], SYLLABUS, VIDEO):
        assert _has(labels(root), name), f"no {name!r} in {labels(root)}"
    screen = root
    for folder in (*CHAPTER_1, "Solved examples"):
        screen = await chat.press_and_read(screen, folder)
        assert folder in text_of(screen), text_of(screen)
    deepest = e2e.files.below(PHYSICS_ID, (*CHAPTER_1, "Solved examples"))
    assert len(deepest) == 3
    assert all(_has(labels(screen), e["name"]) for e in deepest), labels(screen)
    screen = await chat.press_and_read(screen, browse_texts.UP)
    assert CHAPTER_1[1] in text_of(screen)
    assert "Solved examples" not in text_of(screen)
    notes = e2e.files.below(PHYSICS_ID, CHAPTER_1)
    assert all(_has(labels(screen), e["name"]) for e in notes if len(e["folder_path"]) == 2)
    screen = await chat.press_and_read(screen, browse_texts.BACK)
    assert all(_has(labels(screen), name) for name in BATCHES), labels(screen)


async def test_08_pages_turn_forward_and_back(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    sheets = [e["name"] for e in e2e.files.below(PHYSICS_ID, PRACTICE_SHEETS)]
    assert len(sheets) == 120
    first = await open_folder(chat, PHYSICS, PRACTICE_SHEETS)
    shown = [name for name in sheets if _has(labels(first), name)]
    assert 0 < len(shown) < len(sheets), shown
    assert shown == sheets[: len(shown)]
    second = await chat.press_and_read(first, browse_texts.NEXT)
    following = [name for name in sheets if _has(labels(second), name)]
    assert following, labels(second)
    assert following == sheets[len(shown) : len(shown) + len(following)]
    assert browse_texts.PREV in labels(second)
    back = await chat.press_and_read(second, browse_texts.PREV)
    assert [name for name in sheets if _has(labels(back), name)] == shown
