"""Step 17b: watching. /watch a batch; a tutor publishes a file upstream (the simulator's
control route); it arrives in the chat on its own within one check period, equal to the
simulator's bytes, with its note."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from support.telegram_e2e.chat import text_of
from support.telegram_e2e.delivery import receive_documents
from support.telegram_e2e.screens import ORG, PHYSICS_ID, WATCH_EVERY_S

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

UPLOAD_S = 30.0  # a small document's way through piltover, beside the check period


async def test_17b_a_file_added_upstream_arrives_within_one_check(e2e: TelegramE2E) -> None:
    chat = e2e.admin
    started = text_of(await chat.ask(f"/watch {ORG} course:{PHYSICS_ID}"))
    assert started.startswith("🔔 Watching "), started
    mark = await chat.latest_id()

    body = {
        "org": ORG,
        "batch": f"course:{PHYSICS_ID}",
        "name": "Week 9 worksheet.pdf",
        "size": 48_000,
        "folder": "Published during the run",
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(e2e.simulator_url + "/_control/publish", json=body) as response,
    ):
        assert response.status == 201, await response.text()
        published = await response.json()

    entry = {"name": body["name"], "size": body["size"], "sha256": published["sha256"]}
    (document,) = await receive_documents(chat, mark, [entry], WATCH_EVERY_S * 1.1 + UPLOAD_S)
    assert text_of(document).startswith("🔔 🆕 New in "), text_of(document)
    assert "📁 Published during the run" in text_of(document)
    stopped = text_of(await chat.ask(f"/unwatch {ORG} {PHYSICS_ID}"))
    assert stopped.startswith("🔕 Stopped watching"), stopped
