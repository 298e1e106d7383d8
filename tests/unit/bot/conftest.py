"""Fixtures for the bot's conversation tests: a world with one org and a few users."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld


@pytest.fixture
def world(tmp_path: Path) -> BotWorld:
    world = BotWorld(tmp_path, gateway=demo_gateway())
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(BOB, "demo", BOB_TOKEN)
    return world
