"""The pieces that keep watching polite: the hourly listing budget, the pacing of checks
(spacing, jitter, backoff), and the round backing off when ClassPlus fails or is slow."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cpbatch.application.watch.budget import BudgetSpent, ListingBudget
from cpbatch.application.watch.pacing import Pacing
from cpbatch.domain.errors import DownloadFailedError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, BatchFile
from support.bot.demo import ALICE_TOKEN, demo_gateway
from support.bot.watching import names, next_round, rounds
from support.bot.world import ALICE, BotWorld
from support.fakes import FakeClassPlus, FakeClock


def test_the_budget_is_a_sliding_hour() -> None:
    clock = FakeClock(0.0)
    budget = ListingBudget(3, clock)
    for _ in range(3):
        budget.spend()
    with pytest.raises(BudgetSpent):
        budget.spend()
    assert budget.frees_at() == 3600.0

    clock.advance(3600)
    assert budget.available() == 3
    assert budget.total == 3


def test_checks_are_spaced_by_the_budget_with_jitter_only_later() -> None:
    pacing = Pacing(every_s=60, per_hour=600, rng=random.Random(7))
    assert pacing.spacing(5) == 60  # few batches: every_s
    assert pacing.spacing(1000) == 6000  # 1000 checks an hour would break the budget
    times = [pacing.next_check(0.0, 1000) for _ in range(100)]
    assert all(6000 <= t <= 6600 for t in times)
    assert len(set(times)) == 100


def test_backoff_doubles_up_to_its_cap() -> None:
    pacing = Pacing(every_s=60, per_hour=600, jitter=0.0, max_backoff_s=1000)
    assert [pacing.after_failure(0.0, 1, n) for n in (1, 2, 3, 5, 9)] == [
        120,
        240,
        480,
        1000,
        1000,
    ]


class SlowClassPlus(FakeClassPlus):
    """Listing a batch takes `delay_s` on the world's clock."""

    def __init__(self, base: FakeClassPlus) -> None:
        self.__dict__.update(base.__dict__)
        self.clock, self.delay_s = FakeClock(), 0.0

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        self.clock.advance(self.delay_s)
        return await super().list_files(batch, token)


@pytest.fixture
def world(tmp_path: Path) -> BotWorld:
    world = BotWorld(tmp_path, gateway=demo_gateway(), ttl_s=3600)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world


async def test_an_upstream_failure_backs_off_and_the_check_comes_back(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    world.gateway.fail_listing[12] = DownloadFailedError("ClassPlus could not be reached.")

    report = await next_round(world)
    [schedule] = await world.app.watch.schedules.schedules()
    assert (report.failed, schedule.failures) == (1, 1)
    assert schedule.next_check_at - world.clock.now >= 2 * 1800  # twice the usual spacing
    assert rounds(world).paused_until > world.clock.now  # and no other check starts meanwhile
    assert names(world, ALICE) == []

    del world.gateway.fail_listing[12]
    await next_round(world)
    [schedule] = await world.app.watch.schedules.schedules()
    assert schedule.failures == 0
    assert names(world, ALICE) == ["chapter-2.pdf"]


async def test_a_slow_listing_counts_as_a_failure_for_pacing(tmp_path: Path) -> None:
    gateway = SlowClassPlus(demo_gateway())
    world = BotWorld(tmp_path, gateway=gateway, ttl_s=3600)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/watch demo 12")
    gateway.clock, gateway.delay_s = world.clock, 120.0  # past slow_after_s

    await next_round(world)

    [schedule] = await world.app.watch.schedules.schedules()
    assert schedule.failures == 1
    assert schedule.next_check_at - world.clock.now >= 2 * 1800
