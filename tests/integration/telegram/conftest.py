"""Fixtures: a real pyrogram Client, built and started by the project's own resource, talking
over a loopback socket to a fake Telegram data centre that speaks MTProto."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import structlog
from pyrogram.methods.advanced.invoke import Invoke
from pyrogram.session import Session

from cpbatch.entrypoints.logging_setup import configure_logging
from support.telegram import FakeTelegramDC, running_dc
from support.telegram.harness import PERSON, WiredBot, start_bot


@pytest.fixture
def quick_pyrogram(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyrogram waits 15 s for an answer and retries 10 times, 1 s apart, before it gives up;
    these are its defaults, bound at definition. Shortened here so that a test of what comes
    after pyrogram gives up takes a second, not minutes. Nothing else about it changes."""
    monkeypatch.setattr(Invoke.invoke, "__defaults__", (2, 0.5, None, 0.01, None, None))
    monkeypatch.setattr(Session.invoke, "__defaults__", (2, 0.5, 10, 0.01))


@pytest.fixture
async def dc() -> AsyncIterator[FakeTelegramDC]:
    async with running_dc() as started:
        yield started
    assert started.world.unknown == [], "the bot called functions the fake does not answer"


@pytest.fixture
async def bot(dc: FakeTelegramDC, tmp_path: Path) -> AsyncIterator[WiredBot]:
    """Started, with one person who has written to it (a bot may only write to those)."""
    async for wired in start_bot(dc, tmp_path / "telegram"):
        await wired.person_says(PERSON, "/start")
        yield wired


@pytest.fixture
def project_logging() -> Iterator[Callable[[str, str], None]]:
    """configure_logging as `cpbatch` runs it (to the test's captured stderr), undone after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("pyrogram", "asyncio")}
    yield lambda level_name, fmt: configure_logging(level_name, fmt)
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)
    structlog.reset_defaults()
