"""A course whose access expired: marked in /getbatches, explained when pressed, and /sync of
it says why nothing came, without asking ClassPlus for its files."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from support.bot.demo import ALICE_TOKEN, demo_gateway
from support.bot.world import ALICE, BotWorld

REASON = "not downloadable: access expired on 2024-07-01"


@pytest.fixture
def world(tmp_path: Path) -> BotWorld:
    gateway = demo_gateway()
    ended = datetime(2024, 7, 1, tzinfo=UTC)
    old = gateway.add_batch(gateway.orgs["demo"], 30, "Old course", access_expired_on=ended)
    gateway.add_file(old, 301, "old.pdf", b"old notes")
    gateway.grant(ALICE_TOKEN, old)
    world = BotWorld(tmp_path, gateway=gateway)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world


async def test_getbatches_marks_it_and_pressing_it_says_why(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")

    assert "⛔ Old course · access expired" in world.last(ALICE).labels()
    text, alert = await world.press(ALICE, "Old course")

    assert alert
    assert text is not None
    assert REASON in text
    assert world.gateway.calls["list_files"] == 0


async def test_sync_of_it_says_why_nothing_came(world: BotWorld) -> None:
    await world.say(ALICE, "/sync demo 30")
    await world.settle()

    [summary] = world.texts(ALICE)
    assert f"⏭ Old course — {REASON}" in summary
    assert "Failed: none" in summary
    assert world.chat.documents[ALICE] == []
    assert world.gateway.total_opens == 0
