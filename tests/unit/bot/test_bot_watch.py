"""/watch: a watched batch's new and updated files arrive in the chat on their own, with a
note; the files there when the watch began do not; one listing per check serves everyone
watching the batch; /watching, /unwatch and /quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpbatch.application.bot import watch_texts
from cpbatch.domain.watch import WatchSchedule
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, demo_gateway
from support.bot.watching import captions, names, next_round
from support.bot.world import ALICE, BOB, CAROL, BotWorld


@pytest.fixture
def world(tmp_path: Path) -> BotWorld:
    gateway = demo_gateway()
    gateway.grant(CAROL_TOKEN, *gateway.batches)
    world = BotWorld(tmp_path, gateway=gateway, ttl_s=3600)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(CAROL, "demo", CAROL_TOKEN)
    return world


async def test_watching_starts_from_what_is_there_and_sends_nothing_of_it(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    await next_round(world)

    assert world.texts(ALICE)[0].startswith("🔔 Watching Physics (Demo Academy).")
    assert world.chat.documents[ALICE] == []


async def test_a_new_file_arrives_with_a_note_naming_batch_and_folder(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    physics = world.gateway.batches[0]
    world.gateway.add_file(physics, 106, "chapter-2.pdf", b"fresh", folders=("Unit 2",))

    await next_round(world)

    assert names(world, ALICE) == ["chapter-2.pdf"]
    assert captions(world, ALICE)[0].startswith(
        "🔔 🆕 New in Physics · 📁 Unit 2\n📄 chapter-2.pdf"
    )


async def test_a_changed_version_arrives_as_updated_once(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    world.gateway.change_file(101, b"Newton's laws, revised.", "v2")

    await next_round(world)
    await next_round(world)

    assert names(world, ALICE) == ["notes.pdf"]
    assert captions(world, ALICE)[0].startswith("🔔 ♻️ Updated in Physics · 📁 Unit 1\n")
    assert world.chat.documents[ALICE][0].content == b"Newton's laws, revised."


async def test_subscribers_of_one_batch_share_one_listing_and_one_upload(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    await world.say(CAROL, "/watch demo course:12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    world.gateway.calls.clear()

    await next_round(world)

    assert world.gateway.calls["list_files"] == 1  # one listing for both
    assert names(world, ALICE) == names(world, CAROL) == ["chapter-2.pdf"]
    assert world.chat.uploads == 1  # the second went by Telegram's id for the bytes
    assert world.gateway.opens[106] == 1


async def test_a_user_cannot_watch_a_batch_they_cannot_open(world: BotWorld) -> None:
    world.log_in(BOB, "demo", BOB_TOKEN)

    await world.say(BOB, "/watch demo 12")

    assert "Batch 12 is not among the batches your account can open" in world.last(BOB).text
    assert await world.app.watch.subscriptions.subscriptions_of(BOB) == []


async def test_watch_needs_an_org_and_a_batch(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo")
    await world.say(ALICE, "/watch demo twelve")

    assert world.texts(ALICE)[0] == watch_texts.WATCH_USAGE
    assert "batch id must be a positive whole number" in world.texts(ALICE)[1]


async def test_the_watch_button_on_a_batch_starts_a_watch(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")

    answer = await world.press(ALICE, watch_texts.WATCH_BUTTON)

    assert answer == (None, False)
    assert world.last(ALICE).text.startswith("🔔 Watching Physics")
    [watch] = await world.app.watch.subscriptions.subscriptions_of(ALICE)
    assert watch.batch_ref == ("demo", "course:12")


async def test_watching_lists_last_and_next_check_and_unwatch_ends_it(world: BotWorld) -> None:
    await world.say(ALICE, "/watch demo 12")
    await world.say(ALICE, "/watching")
    assert "• Physics — demo course:12 — last check not yet, next " in world.last(ALICE).text

    await next_round(world)
    await world.say(ALICE, "/watching")
    [schedule] = await world.app.watch.schedules.schedules()
    assert schedule.last_check_at is not None
    last = watch_texts.when(schedule.last_check_at, "UTC")
    assert f"last check {last}, next {watch_texts.when(schedule.next_check_at, 'UTC')}" in (
        world.last(ALICE).text
    )

    await world.say(ALICE, "/unwatch demo 12")
    assert world.last(ALICE).text == "🔕 Stopped watching Physics."
    assert await world.app.watch.schedules.schedules() == []  # nobody watches it: no checks
    await world.say(ALICE, "/watching")
    assert world.last(ALICE).text == watch_texts.NO_WATCHES


async def test_at_most_n_files_per_round_and_a_note_for_the_rest(tmp_path: Path) -> None:
    world = BotWorld(tmp_path, gateway=demo_gateway(), settings={"watch_max_files": 2})
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/watch demo 20")
    maths = world.gateway.batches[1]
    for n in range(5):
        world.gateway.add_file(maths, 300 + n, f"sheet-{n}.pdf", f"sheet {n}".encode())

    await next_round(world)
    await next_round(world)

    assert names(world, ALICE) == ["sheet-0.pdf", "sheet-1.pdf"]
    assert world.last(ALICE).text == (
        "🔔 …and 3 more new or updated files in Maths: /sync demo course:20"
    )


async def test_a_check_another_bot_claimed_first_is_left_to_it(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two bots sharing one database: both read the same due check; the one that claims it
    second lists nothing and sends nothing (the other one delivers)."""
    await world.say(ALICE, "/watch demo 12")
    world.gateway.add_file(world.gateway.batches[0], 106, "chapter-2.pdf", b"fresh")
    schedules = world.app.watch.schedules
    read = schedules.due_schedules

    async def read_then_claimed_elsewhere(now: float, limit: int) -> list[WatchSchedule]:
        due = await read(now, limit)
        for schedule in due:
            assert await schedules.claim_schedule(schedule, now + 1800)
        return due

    monkeypatch.setattr(schedules, "due_schedules", read_then_claimed_elsewhere)
    world.gateway.calls.clear()

    await next_round(world)

    assert world.gateway.calls["list_files"] == 0
    assert world.chat.documents[ALICE] == []
