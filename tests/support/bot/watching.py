"""Driving the watcher in a BotWorld: rounds run on the world's fake clock, never a real one."""

from __future__ import annotations

from cpbatch.application.watch.check_round import CheckWatches, RoundReport
from support.bot.world import BotWorld


def rounds(world: BotWorld) -> CheckWatches:
    check: CheckWatches = world.app.container.check_watches()
    return check


async def next_round(world: BotWorld) -> RoundReport:
    """Move the clock to the latest scheduled check, then run one round (every batch due)."""
    schedules = await world.app.watch.schedules.schedules()
    if schedules:
        world.clock.now = max(world.clock.now, max(s.next_check_at for s in schedules) + 1)
    return await rounds(world).execute()


def captions(world: BotWorld, user: int) -> list[str]:
    return [d.caption for d in world.chat.documents[user]]


def names(world: BotWorld, user: int) -> list[str]:
    return [d.file_name for d in world.chat.documents[user]]
