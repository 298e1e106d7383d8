"""What goes wrong for one watcher stays theirs, and nothing waiting is lost: an expired
purchase pauses that watcher (the others are served), a store that did not answer is not a
logout, a send interrupted on every attempt is given up with a message (not dropped in
silence), watching a batch again keeps what was waiting, and a long upload is not ClassPlus
being slow."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cpbatch.domain.errors import StorageError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, BatchFile
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import DeliveryState, SubscriptionStatus
from support.bot.chat import FakeChat
from support.bot.demo import ALICE_TOKEN, CAROL_TOKEN, demo_gateway
from support.bot.watching import names, next_round, rounds
from support.bot.world import ALICE, CAROL, BotWorld
from support.fakes import FakeClassPlus

G = TypeVar("G", bound=FakeClassPlus)


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class ExpiringFor(FakeClassPlus):
    """Lists the org's courses to one principal as bought once, access now over."""

    expired_for: str | None = None

    async def list_batches(self, org: Any, token: AccessToken) -> list[Batch]:
        batches = await super().list_batches(org, token)
        if token.principal == self.expired_for:
            ended = datetime(2025, 1, 1, tzinfo=UTC)
            return [dataclasses.replace(b, access_expired_on=ended) for b in batches]
        return batches


def demo_as(kind: type[G]) -> G:
    """A fake of that kind holding the demo org, its batches, files and grants."""
    gateway = kind(listed_sizes=False)
    gateway.__dict__.update(demo_gateway().__dict__)
    return gateway


def alice_watching(
    tmp_path: Path, gateway: FakeClassPlus | None = None, ttl_s: float = 3600, **kw: Any
) -> BotWorld:
    """A world where Alice is logged in to the demo org (she watches nothing yet)."""
    world = BotWorld(tmp_path, gateway=gateway or demo_gateway(), ttl_s=ttl_s, **kw)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world


def two_watchers(tmp_path: Path, gateway: FakeClassPlus | None = None, **kw: Any) -> BotWorld:
    gateway = gateway or demo_gateway()
    gateway.grant(CAROL_TOKEN, *gateway.batches)
    world = alice_watching(tmp_path, gateway, **kw)
    world.log_in(CAROL, "demo", CAROL_TOKEN)
    return world


async def test_an_expired_purchase_pauses_that_watcher_and_the_others_are_served(
    tmp_path: Path,
) -> None:
    gateway = demo_as(ExpiringFor)
    world = two_watchers(tmp_path, gateway)
    await world.say(ALICE, "/watch demo 12")  # Alice first: she would make the shared listing
    await world.say(CAROL, "/watch demo 12")
    gateway.expired_for = ALICE_TOKEN.principal
    world.clock.advance(3601)  # her cached org listing expires
    gateway.add_file(gateway.batches[0], 106, "chapter-2.pdf", b"fresh")

    for _ in range(2):
        report = await next_round(world)
        assert report.failed == 0

    assert names(world, CAROL) == ["chapter-2.pdf"]
    assert names(world, ALICE) == []
    assert [t for t in world.texts(ALICE) if t.startswith("⏸")] == [
        "⏸ Watch of Physics (demo) paused: your access to this batch ended on 2025-01-01. "
        "Nothing will be sent until your account can open it again (asked at each check)."
    ]


async def test_a_failure_for_one_watcher_does_not_hold_back_the_others(tmp_path: Path) -> None:
    world = two_watchers(tmp_path)
    await world.say(ALICE, "/watch demo 12")
    await world.say(CAROL, "/watch demo 12")
    deliveries = world.app.watch.deliveries
    real_entries = deliveries.entries

    async def alices_log_fails(user_id: int, file_ids: Any) -> Any:
        if user_id == ALICE:
            raise StorageError("The metadata store did not answer in time.")
        return await real_entries(user_id, file_ids)

    deliveries.entries = alices_log_fails  # type: ignore[method-assign]
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")

    report = await next_round(world)

    assert report.failed == 0
    assert names(world, CAROL) == ["chapter-2.pdf"]
    assert names(world, ALICE) == []
    deliveries.entries = real_entries  # type: ignore[method-assign]
    await next_round(world)
    assert names(world, ALICE) == ["chapter-2.pdf"]  # hers waited for the next check


async def test_an_unknown_stored_time_zone_holds_back_no_one_else(tmp_path: Path) -> None:
    world = two_watchers(tmp_path)
    await world.say(ALICE, "/watch demo 12")
    await world.say(CAROL, "/watch demo 12")
    # Stored on a host whose time zone database knew the name; this one does not.
    world.app.watch.preferences.quiet[ALICE] = QuietHours(23, 7, "Asia/Nowhere")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    world.clock.now = at("2025-01-07 03:00")  # quiet hours, read in UTC
    report = await next_round(world)

    assert report.failed == 0
    assert names(world, CAROL) == ["chapter-2.pdf"]
    assert names(world, ALICE) == []
    world.clock.now = at("2025-01-07 12:00")
    await next_round(world)
    assert names(world, ALICE) == ["chapter-2.pdf"]


async def test_a_store_that_does_not_answer_is_not_a_logout(tmp_path: Path) -> None:
    world = alice_watching(tmp_path)
    await world.say(ALICE, "/watch demo 12")
    credentials = world.credentials
    real_load = credentials.load_credential
    failures = [StorageError("The metadata store is not reachable (timeout).")]

    async def flaky(user_id: int, org_code: str) -> bytes | None:
        if failures:
            raise failures.pop()
        return await real_load(user_id, org_code)

    credentials.load_credential = flaky  # type: ignore[method-assign]
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    await next_round(world)
    await next_round(world)

    assert not [t for t in world.texts(ALICE) if t.startswith(("⏸", "▶️"))]
    [watch] = await world.app.watch.subscriptions.subscriptions_of(ALICE)
    assert watch.status is SubscriptionStatus.ACTIVE
    assert names(world, ALICE) == ["chapter-2.pdf"]


async def test_a_send_interrupted_on_every_attempt_is_given_up_with_a_message(
    tmp_path: Path,
) -> None:
    world = alice_watching(tmp_path)
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    recipient = world.app.container.watch_recipient()

    async def interrupted(*args: Any, **kwargs: Any) -> int:
        raise StorageError("GridFS did not answer in time.")

    recipient.deliver = interrupted
    for _ in range(5):
        await next_round(world)

    entry = world.app.watch.deliveries.rows[(ALICE, 106, "v1")]
    assert entry.state is DeliveryState.FAILED
    assert [t for t in world.texts(ALICE) if t.startswith("⚠️")] == [
        "⚠️ chapter-2.pdf from Physics could not be sent: GridFS did not answer in time."
    ]


async def test_a_send_left_pending_by_crashes_is_given_up_with_a_message(
    tmp_path: Path,
) -> None:
    """Three crashes between 'pending' and the chat's answer: the fourth check says so."""
    world = alice_watching(tmp_path)
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    for _ in range(3):
        await world.app.watch.deliveries.begin(ALICE, 106, "v1")

    await next_round(world)

    assert world.app.watch.deliveries.rows[(ALICE, 106, "v1")].state is DeliveryState.FAILED
    assert names(world, ALICE) == []
    assert any("chapter-2.pdf from Physics could not be sent" in t for t in world.texts(ALICE))


async def test_watching_again_keeps_what_was_waiting(tmp_path: Path) -> None:
    world = alice_watching(tmp_path)
    world.clock.now = at("2025-01-06 12:00")
    await world.say(ALICE, "/quiet 23-07")
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    world.clock.now = at("2025-01-06 23:30")
    await rounds(world).execute()  # held back by quiet hours
    assert names(world, ALICE) == []

    await world.say(ALICE, "/watch demo 12")  # the 🔔 button pressed again
    world.clock.now = at("2025-01-07 08:00")
    await next_round(world)

    assert names(world, ALICE) == ["chapter-2.pdf"]


async def test_watching_tells_a_watch_paused_for_access_from_one_waiting_for_a_login(
    tmp_path: Path,
) -> None:
    gateway = demo_as(ExpiringFor)
    world = two_watchers(tmp_path, gateway)
    await world.say(ALICE, "/watch demo 12")
    await world.say(CAROL, "/watch demo 12")
    gateway.expired_for = ALICE_TOKEN.principal
    world.clock.advance(3601)
    await next_round(world)
    await world.say(CAROL, "/logout demo")
    await next_round(world)

    await world.say(ALICE, "/watching")
    await world.say(CAROL, "/watching")

    assert "⏸ paused: not open to your account now (asked again at" in world.last(ALICE).text
    assert "⏸ paused until you log in again (/login demo)" in world.last(CAROL).text


class RenamedBatch(FakeClassPlus):
    renamed: str | None = None

    async def list_batches(self, org: Any, token: AccessToken) -> list[Batch]:
        batches = await super().list_batches(org, token)
        if self.renamed:
            return [dataclasses.replace(b, name=self.renamed) for b in batches]
        return batches

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        listed = next(b for b in self.batches if b.key == batch.key)
        return await super().list_files(listed, token)


async def test_watching_again_takes_the_batch_s_new_name(tmp_path: Path) -> None:
    gateway = demo_as(RenamedBatch)
    world = alice_watching(tmp_path, gateway, ttl_s=60)
    await world.say(ALICE, "/watch demo 12")
    gateway.renamed = "Physics 2025"
    world.clock.advance(120)

    await world.say(ALICE, "/watch demo 12")

    [watch] = await world.app.watch.subscriptions.subscriptions_of(ALICE)
    assert watch.batch_name == "Physics 2025"


class CommandDuringListing(FakeClassPlus):
    """Runs a chat command while an org listing is in flight, then refuses the course."""

    during: Any = None

    async def list_batches(self, org: Any, token: AccessToken) -> list[Batch]:
        if self.during is not None:
            during, self.during = self.during, None
            await during()
            self.grants[token.principal].clear()
        return await super().list_batches(org, token)


async def test_unwatch_while_a_check_runs_is_not_undone(tmp_path: Path) -> None:
    gateway = demo_as(CommandDuringListing)
    world = alice_watching(tmp_path, gateway, ttl_s=60)
    await world.say(ALICE, "/watch demo 12")
    world.clock.advance(120)  # her org listing is asked for again at the check

    async def unwatch() -> None:
        await world.say(ALICE, "/unwatch demo 12")

    gateway.during = unwatch
    await next_round(world)

    assert await world.app.watch.subscriptions.subscriptions_of(ALICE) == []
    assert await world.app.watch.schedules.schedules() == []
    assert not [t for t in world.texts(ALICE) if t.startswith("⏸")]


class SlowUploads(FakeChat):
    def __init__(self) -> None:
        super().__init__()
        self.advance: Any = None

    async def send_document(self, *args: Any, **kwargs: Any) -> Any:
        self.advance(120)  # a large document takes two minutes to reach Telegram
        return await super().send_document(*args, **kwargs)


async def test_a_long_upload_is_not_classplus_being_slow(tmp_path: Path) -> None:
    chat = SlowUploads()
    world = alice_watching(tmp_path, chat=chat)
    chat.advance = world.clock.advance
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "lecture-notes.pdf", b"x" * 100)

    await next_round(world)

    assert names(world, ALICE) == ["lecture-notes.pdf"]
    [schedule] = await world.app.watch.schedules.schedules()
    assert schedule.failures == 0
    assert schedule.last_check_at is not None
    assert schedule.next_check_at - schedule.last_check_at < 2 * 1800
