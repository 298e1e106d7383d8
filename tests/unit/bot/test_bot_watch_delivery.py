"""Watch deliveries over time: quiet hours hold them back, lost access pauses a watch with
one message until a new login, and a crash mid-round neither repeats nor skips a file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cpbatch.application.ports import SentDocument, Upload
from cpbatch.application.ports.chat import UploadProgress
from cpbatch.application.watch import texts
from cpbatch.domain.watch import DeliveryState, SubscriptionStatus
from support.bot.chat import FakeChat
from support.bot.demo import ALICE_TOKEN, CAROL_TOKEN, demo_gateway
from support.bot.watching import names, next_round, rounds
from support.bot.world import ALICE, CAROL, BotWorld
from support.fakes import make_token


@pytest.fixture
def world(tmp_path: Path) -> BotWorld:
    gateway = demo_gateway()
    gateway.grant(CAROL_TOKEN, *gateway.batches)
    world = BotWorld(tmp_path, gateway=gateway, ttl_s=3600)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(CAROL, "demo", CAROL_TOKEN)
    return world


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


async def test_quiet_hours_in_the_users_zone_hold_files_until_they_end(world: BotWorld) -> None:
    world.clock.now = at("2025-01-06 12:00")
    await world.say(ALICE, "/quiet 23-07 Asia/Kolkata")  # 17:30 to 01:30 UTC
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")

    world.clock.now = at("2025-01-06 18:00")  # 23:30 in Kolkata
    await rounds(world).execute()
    await next_round(world)  # ~18:30 UTC, still quiet
    assert names(world, ALICE) == []

    world.clock.now = at("2025-01-07 02:00")  # 07:30 in Kolkata
    await next_round(world)
    assert names(world, ALICE) == ["chapter-2.pdf"]


async def test_quiet_can_be_shown_and_turned_off(world: BotWorld) -> None:
    await world.say(ALICE, "/quiet 23-07")
    assert world.last(ALICE).text.startswith("🌙 Quiet hours 23:00–07:00 (UTC)")
    await world.say(ALICE, "/quiet 25-07")
    assert "is not a span of hours" in world.last(ALICE).text
    await world.say(ALICE, "/quiet 23-07 Mars/Olympus")
    assert "not a time zone I know" in world.last(ALICE).text
    await world.say(ALICE, "/quiet off")
    assert world.app.watch.preferences.quiet == {}


async def test_lost_access_pauses_with_one_message_until_a_new_login(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    await world.say(CAROL, "/watch demo 12")
    physics = world.gateway.batches[0]
    world.gateway.grants[ALICE_TOKEN.principal].clear()  # Alice's account loses the course
    world.clock.advance(3601)  # her cached listing of the org expires
    world.gateway.add_file(physics, 106, "chapter-2.pdf", b"fresh")

    await next_round(world)
    world.gateway.add_file(physics, 107, "chapter-3.pdf", b"fresher")
    await next_round(world)
    world.clock.advance(3601)
    await next_round(world)

    paused = [t for t in world.texts(ALICE) if t.startswith("⏸")]
    assert paused == [
        "⏸ Watch of Physics (demo) paused: your account can no longer open this batch. "
        "Nothing will be sent until your account can open it again (asked at each check)."
    ]
    assert names(world, ALICE) == []
    assert names(world, CAROL) == ["chapter-2.pdf", "chapter-3.pdf"]
    [watch] = await world.app.watch.subscriptions.subscriptions_of(ALICE)
    assert watch.status is SubscriptionStatus.PAUSED

    again = make_token("d")  # a new login that opens the course
    world.gateway.grant(again, physics)
    world.log_in(ALICE, "demo", again)
    await next_round(world)

    assert world.texts(ALICE)[-1] == "▶️ Watching Physics (demo) again."
    assert names(world, ALICE) == ["chapter-2.pdf", "chapter-3.pdf"]


async def test_access_back_on_the_same_login_resumes_the_watch(world: BotWorld) -> None:
    """A course bought again (or a refusal that was passing) needs no new login: a watch
    paused for want of access is asked about again at each check."""
    await world.say(ALICE, "/watch demo 12")
    physics = world.gateway.batches[0]
    world.gateway.grants[ALICE_TOKEN.principal].clear()
    world.clock.advance(3601)
    await next_round(world)
    world.gateway.add_file(physics, 106, "chapter-2.pdf", b"fresh")
    await next_round(world)
    assert [t for t in world.texts(ALICE) if t.startswith("⏸")] != []
    assert names(world, ALICE) == []

    world.gateway.grant(ALICE_TOKEN, physics)  # the same token opens the course again
    world.clock.advance(3601)
    await next_round(world)

    assert world.texts(ALICE)[-1] == "▶️ Watching Physics (demo) again."
    assert names(world, ALICE) == ["chapter-2.pdf"]
    assert len([t for t in world.texts(ALICE) if t.startswith("⏸")]) == 1


async def test_logging_out_pauses_the_watch(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    await world.say(ALICE, "/logout demo")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")

    await next_round(world)
    await next_round(world)

    assert [t for t in world.texts(ALICE) if t.startswith("⏸")] == [
        f"⏸ Watch of Physics (demo) paused: {texts.LOGGED_OUT} "
        "Nothing will be sent until you log in again with /login demo."
    ]
    assert names(world, ALICE) == []


async def test_an_expired_login_found_by_the_shared_listing_pauses_only_its_owner(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/watch demo 12")  # Alice watches first: her token lists the batch
    await world.say(CAROL, "/watch demo 12")
    world.gateway.grants[ALICE_TOKEN.principal].clear()  # refused now; her org listing is cached
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")

    await next_round(world)

    assert names(world, CAROL) == ["chapter-2.pdf"]  # listed with Carol's token instead
    assert names(world, ALICE) == []
    assert world.texts(ALICE)[-1].startswith("⏸ Watch of Physics (demo) paused")


class Crash(BaseException):
    """The process dying: nothing below it handles this."""


class CrashingChat(FakeChat):
    """Dies at the n-th document: before Telegram took it, or just after it confirmed it."""

    def __init__(self, at_document: int, *, after_confirm: bool) -> None:
        super().__init__()
        self.at_document = at_document
        self.after_confirm = after_confirm
        self.count = 0

    async def send_document(
        self, chat_id: int, upload: Upload, caption: str, progress: UploadProgress | None = None
    ) -> SentDocument:
        self.count += 1
        if self.count == self.at_document and not self.after_confirm:
            raise Crash
        sent = await super().send_document(chat_id, upload, caption, progress)
        if self.count == self.at_document:
            raise Crash
        return sent


async def restarted(old: BotWorld, tmp_path: Path) -> BotWorld:
    """A new process over the same stores, chat and upstream."""
    new = BotWorld(
        tmp_path / "again", gateway=old.gateway, chat=old.chat, watch=old.app.watch, ttl_s=3600
    )
    new.credentials.rows.update(old.credentials.rows)
    new.clock.now = old.clock.now
    return new


async def crash_mid_round(tmp_path: Path, *, after_confirm: bool) -> BotWorld:
    chat = CrashingChat(at_document=2, after_confirm=after_confirm)
    world = BotWorld(tmp_path, gateway=demo_gateway(), chat=chat, ttl_s=3600)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/watch demo 20")
    maths = world.gateway.batches[1]
    for n in range(3):
        world.gateway.add_file(maths, 300 + n, f"sheet-{n}.pdf", f"sheet {n}".encode())
    with pytest.raises(Crash):
        await next_round(world)
    chat.at_document = 0  # the new process does not crash
    again = await restarted(world, tmp_path)
    await next_round(again)
    await next_round(again)
    return again


async def test_a_crash_before_a_send_neither_repeats_nor_skips(tmp_path: Path) -> None:
    world = await crash_mid_round(tmp_path, after_confirm=False)

    assert names(world, ALICE) == ["sheet-0.pdf", "sheet-1.pdf", "sheet-2.pdf"]
    states = world.app.watch.deliveries.states(ALICE)
    assert [states[(300 + n, "v1")] for n in range(3)] == [DeliveryState.SENT] * 3


async def test_a_crash_between_telegrams_confirmation_and_the_log_repeats_that_file_only(
    tmp_path: Path,
) -> None:
    # The one window the log cannot close (a bot cannot ask Telegram what it sent): the file
    # whose send was confirmed but not yet logged goes again; nothing is skipped.
    world = await crash_mid_round(tmp_path, after_confirm=True)

    assert names(world, ALICE) == ["sheet-0.pdf", "sheet-1.pdf", "sheet-1.pdf", "sheet-2.pdf"]
    states = world.app.watch.deliveries.states(ALICE)
    assert [states[(300 + n, "v1")] for n in range(3)] == [DeliveryState.SENT] * 3
