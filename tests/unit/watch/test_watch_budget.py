"""1,000 subscriptions over 100 batches, six hours on a fake clock: the watcher's listing
requests stay within the hourly budget in every hour, every batch keeps being checked, and a
file added to every batch reaches every subscriber within one check period and once."""

from __future__ import annotations

import itertools
import string
from collections import Counter
from pathlib import Path

from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org
from support.bot.watching import rounds
from support.bot.world import BotWorld
from support.fakes import FakeClassPlus, FakeClock, make_token

BATCHES, USERS, PER_USER = 100, 100, 10
BUDGET = 600  # the default WATCH_REQUESTS_PER_HOUR
EVERY = 1800.0  # the default WATCH_EVERY
HOUR = 3600.0


class TimedClassPlus(FakeClassPlus):
    """Notes when each listing request reached upstream, on the world's clock."""

    def __init__(self) -> None:
        super().__init__(listed_sizes=False)
        self.clock: FakeClock = FakeClock()  # the world's, once it exists
        self.listing_times: list[float] = []
        self.listed_batches: Counter[int] = Counter()

    async def lookup_org(self, code: OrgCode) -> Org:
        self.listing_times.append(self.clock())
        return await super().lookup_org(code)

    async def list_batches(self, org: Org, token: AccessToken) -> list[Batch]:
        self.listing_times.append(self.clock())
        return await super().list_batches(org, token)

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        self.listing_times.append(self.clock())
        self.listed_batches[batch.id] += 1
        return await super().list_files(batch, token)


def user_tokens() -> list[AccessToken]:
    labels = ("".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2))
    return [make_token(label) for label in itertools.islice(labels, USERS)]


async def test_a_thousand_watches_stay_within_the_budget_and_all_get_new_files(
    tmp_path: Path,
) -> None:
    gateway = TimedClassPlus()
    org = gateway.add_org("big", org_id=9, name="Big Academy")
    batches = [gateway.add_batch(org, 1000 + n, f"Batch {n}") for n in range(BATCHES)]
    for batch in batches:
        gateway.add_file(batch, batch.id * 10, "intro.pdf", b"intro")
    world = BotWorld(tmp_path, gateway=gateway, ttl_s=HOUR)
    gateway.clock = world.clock
    watch = world.app.container.watch_batch()
    for user, token in enumerate(user_tokens(), start=1):
        chosen = [batches[(user * 7 + k * 10) % BATCHES] for k in range(PER_USER)]
        gateway.grant(token, *chosen)
        world.log_in(user, "big", token)
        for batch in chosen:
            await watch.execute(user, user, token, "big", batch.key)
    assert len(world.app.watch.subscriptions.rows) == USERS * PER_USER
    gateway.listing_times.clear()
    gateway.listed_batches.clear()
    start = world.clock.now
    check = rounds(world)

    async def run_until(end: float) -> None:
        while (due := await check.next_due()) is not None and due <= end:
            world.clock.now = max(world.clock.now, due)
            await check.execute()
        world.clock.now = end

    def received() -> Counter[tuple[int, str]]:
        return Counter(
            (user, d.caption.splitlines()[-1])  # the batch the file came from
            for user, documents in world.chat.documents.items()
            for d in documents
        )

    await run_until(start + 2 * HOUR)
    assert received() == Counter()  # nothing new yet: nothing sent
    for batch in batches:
        gateway.add_file(batch, batch.id * 10 + 1, "new.pdf", f"new in {batch.id}".encode())
    # Within one check period (and its jitter), each of the 1,000 watches got its new file.
    await run_until(world.clock.now + EVERY * 1.1 + 1)
    assert len(received()) == USERS * PER_USER
    await run_until(start + 6 * HOUR)

    per_hour = max(
        sum(1 for t in gateway.listing_times if begin <= t < begin + HOUR)
        for begin in gateway.listing_times
    )
    assert per_hour <= BUDGET
    # Every batch kept being checked, none more often than every EVERY seconds.
    assert min(gateway.listed_batches.values()) >= 6 * HOUR / (2 * EVERY)
    assert max(gateway.listed_batches.values()) <= 6 * HOUR / EVERY + 1
    # ...and each file went to each of its subscribers once, uploaded once for all of them.
    assert len(received()) == USERS * PER_USER
    assert set(received().values()) == {1}
    assert world.chat.uploads == BATCHES
