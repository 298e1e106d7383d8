"""Two users tapping the same never-uploaded file at the same moment cause one upload: the
second waits for it and gets the file by its Telegram id (after its own entitlement check). A
cancelled or failed first upload leaves the second to upload the file itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from cpbatch.application.bot import delivery_texts, texts
from cpbatch.domain.errors import DeliveryError
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld, default_policy

ALGEBRA = b"x + y = z"
SPLIT = b"0123456789abcdefghijKLMNO"  # three parts of at most 10 bytes


async def until(condition: Callable[[], bool]) -> None:
    """Let the jobs run until `condition` holds. Splitting writes parts in worker threads, so
    each turn also gives those a moment; the bound only stops a hung test, it times nothing."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition was never reached")


async def open_maths(world: BotWorld, user: int) -> None:
    await world.say(user, "/getbatches demo")
    await world.press(user, "Maths")


async def alice_uploading_and_bob_waiting(world: BotWorld, label: str) -> None:
    """Alice's upload of the file is held; Bob taps the same file meanwhile."""
    world.chat.upload_gate = asyncio.Event()
    await open_maths(world, ALICE)
    await open_maths(world, BOB)
    await world.press(ALICE, label)
    await world.chat.upload_started.wait()
    await world.press(BOB, label)
    sender = world.bot._sender
    # Bob either waits for Alice's upload or (the bug) starts his own.
    await until(lambda: sender.waiting_uploads == 1 or world.chat.uploading_now == 2)
    assert world.chat.uploading_now == 1


async def test_two_taps_at_once_cause_one_upload_and_both_get_the_file(world: BotWorld) -> None:
    await alice_uploading_and_bob_waiting(world, "algebra")

    assert world.chat.upload_gate is not None
    world.chat.upload_gate.set()
    await world.settle()

    [alices] = world.chat.documents[ALICE]
    [bobs] = world.chat.documents[BOB]
    assert world.chat.uploads == 1
    assert alices.content == ALGEBRA
    assert bobs.by_remote_id
    assert bobs.remote_id == alices.remote_id
    assert world.last(BOB).text == delivery_texts.sent("algebra.pdf", len(ALGEBRA), 1, False)


async def test_when_the_first_user_cancels_the_second_uploads_the_file(world: BotWorld) -> None:
    await alice_uploading_and_bob_waiting(world, "algebra")

    await world.say(ALICE, "/cancel")
    await until(lambda: world.chat.uploading_now == 1 and world.chat.uploads == 0)
    assert world.chat.upload_gate is not None
    world.chat.upload_gate.set()
    await until(lambda: len(world.chat.documents[BOB]) == 1)
    await world.settle()

    [bobs] = world.chat.documents[BOB]
    assert world.chat.documents[ALICE] == []
    assert texts.CANCELLED_JOB in world.texts(ALICE)
    assert bobs.content == ALGEBRA
    assert not bobs.by_remote_id
    assert world.chat.uploads == 1
    assert list(world.remote_ids.ids.values()) == [bobs.remote_id]


async def test_when_the_first_upload_fails_the_second_uploads_the_file(world: BotWorld) -> None:
    world.chat.fail_uploads_to[ALICE] = DeliveryError("Telegram refused the upload.")
    await alice_uploading_and_bob_waiting(world, "algebra")

    assert world.chat.upload_gate is not None
    world.chat.upload_gate.set()
    await until(lambda: len(world.chat.documents[BOB]) == 1)
    await world.settle()

    [bobs] = world.chat.documents[BOB]
    assert world.chat.documents[ALICE] == []
    assert "Telegram refused the upload." in world.last(ALICE).text
    assert bobs.content == ALGEBRA
    assert world.last(BOB).text == delivery_texts.sent("algebra.pdf", len(ALGEBRA), 1, True)


@pytest.fixture
def split_world(tmp_path: Path) -> BotWorld:
    world = BotWorld(tmp_path, gateway=demo_gateway(), policy=default_policy(max_part_size=10))
    world.gateway.add_file(world.gateway.batches[1], 301, "my notes.pdf", SPLIT)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(BOB, "demo", BOB_TOKEN)
    return world


async def test_each_part_of_a_split_file_is_uploaded_once_for_two_taps_at_once(
    split_world: BotWorld,
) -> None:
    world = split_world
    await alice_uploading_and_bob_waiting(world, "my notes")

    assert world.chat.upload_gate is not None
    world.chat.upload_gate.set()
    await world.settle()

    alices, bobs = world.chat.documents[ALICE], world.chat.documents[BOB]
    names = [f"my notes.pdf.00{n}" for n in (1, 2, 3)]
    assert [d.file_name for d in alices] == names == [d.file_name for d in bobs]
    assert world.chat.uploads == 3
    # Each part went up once, by whichever of them got to it first, and by id to the other.
    assert [d.remote_id for d in bobs] == [d.remote_id for d in alices]
    assert all(a.by_remote_id != b.by_remote_id for a, b in zip(alices, bobs, strict=True))
    uploaded = [b if a.by_remote_id else a for a, b in zip(alices, bobs, strict=True)]
    assert b"".join(d.content or b"" for d in uploaded) == SPLIT
    assert bobs[0].by_remote_id  # the part Alice was uploading when Bob tapped


async def test_the_waiting_user_still_needs_the_file_in_their_own_listing(
    world: BotWorld,
) -> None:
    world.chat.upload_gate = asyncio.Event()
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    await world.press(ALICE, "syllabus")
    await world.chat.upload_started.wait()
    world.gateway.grants[BOB_TOKEN.principal] = set(world.gateway.batches)  # sees Physics too
    await world.say(BOB, "/getbatches demo")
    await world.press(BOB, "Physics")
    world.gateway.grants[BOB_TOKEN.principal] = {world.gateway.batches[1]}  # and loses it
    world.app.clock.advance(10_000)  # his cached listing is stale: read again

    text, alert = await world.press(BOB, "syllabus")
    world.chat.upload_gate.set()
    await world.settle()

    assert alert
    assert text is not None
    assert "your account can open" in text
    assert world.chat.documents[BOB] == []
    assert len(world.chat.documents[ALICE]) == 1
