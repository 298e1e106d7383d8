"""Steps 15-16: a document of 300 MiB. /cancel during its upload stops the upload (the bot's
CPU falls idle, nothing arrives, no scratch file is left); tapped again, it arrives whole,
with a progress message that climbs while it uploads."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import psutil
import pytest

from support.telegram_e2e.chat import text_of
from support.telegram_e2e.delivery import is_document, receive_documents
from support.telegram_e2e.screens import LARGE_FILES, PHYSICS, PHYSICS_ID, open_folder

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

LARGE = "Large file 1.zip"
UPLOAD_S = 480.0  # 300 MiB at ~2 MB/s over piltover on 2 cores, with room
_PERCENT = re.compile(r"(\d+)\s?%")


def upload_percent(text: str) -> int | None:
    """The percentage an upload's progress message shows, or None if it shows no upload."""
    match = _PERCENT.search(text)
    return int(match.group(1)) if match and "upload" in text.lower() else None


def _uploading(text: str) -> bool:
    """The upload is well under way (a few percent sent)."""
    return (upload_percent(text) or 0) >= 3


async def cpu_seconds(pid: int, window_s: float) -> float:
    """CPU time the process used during the next `window_s` seconds."""
    process = psutil.Process(pid)
    before = sum(process.cpu_times()[:2])
    await asyncio.sleep(window_s)
    return float(sum(process.cpu_times()[:2]) - before)


async def test_15_cancel_during_an_upload_stops_it(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    entry = e2e.files.file(PHYSICS_ID, LARGE_FILES, LARGE)
    assert entry["size"] >= 300 * 2**20
    screen = await open_folder(chat, PHYSICS, LARGE_FILES)
    e2e.memory["large_files"] = screen
    mark = await chat.latest_id()
    answer = await chat.press(screen, LARGE)
    assert not answer.alert, answer.message
    progress = (await chat.wait_for(mark))[0]
    await chat.wait_text(progress.id, _uploading, timeout_s=120)
    busy = await cpu_seconds(e2e.bot.pid, 2)
    cancel = await chat.send("/cancel")
    reply = text_of((await chat.wait_for(cancel.id))[0])
    assert "cancel" in reply.lower(), reply
    await chat.wait_text(progress.id, lambda t: "cancel" in t.lower(), 20)
    idle = await cpu_seconds(e2e.bot.pid, 5)
    assert idle < 0.5, f"the bot still works after /cancel: {idle:.2f} CPU s in 5 s"
    assert busy > idle, f"the upload used {busy:.2f} CPU s in 2 s: was it running?"
    assert not [m for m in await chat.incoming(mark) if is_document(m)], "a document arrived"
    left = list(e2e.bot.outgoing_dir.iterdir()) if e2e.bot.outgoing_dir.exists() else []
    assert left == [], f"scratch files left after /cancel: {left}"


async def test_16_a_300_mib_document_arrives_with_progress(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    entry = e2e.files.file(PHYSICS_ID, LARGE_FILES, LARGE)
    mark = await chat.latest_id()
    answer = await chat.press(e2e.memory["large_files"], LARGE)
    assert not answer.alert, answer.message
    progress = (await chat.wait_for(mark))[0]
    final, seen = await chat.wait_text(progress.id, lambda t: "Sent" in t, UPLOAD_S, poll_s=1.0)
    percents = [p for p in map(upload_percent, seen) if p is not None]
    assert len(set(percents)) >= 3, f"too little upload progress shown: {seen}"
    assert percents == sorted(percents), percents
    assert percents[-1] <= 100, percents
    await receive_documents(chat, mark, [entry], timeout_s=60)
    assert LARGE in final, final
    e2e.memory["large_texts"] = [*seen, final]
