"""Long jobs: one per user, a global limit on how many run at once, and many users at once
without cross-talk."""

import asyncio
from pathlib import Path

from cpbatch.application.bot import texts
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, CAROL, BotWorld, default_policy
from support.fakes import FakeClassPlus, make_token


async def pick(world: BotWorld, user: int, batch: str, file: str) -> tuple[str | None, bool]:
    await world.say(user, "/getbatches demo")
    await world.press(user, batch)
    return await world.press(user, file)


async def test_a_user_has_one_job_at_a_time(world: BotWorld) -> None:
    world.chat.upload_gate = asyncio.Event()
    await pick(world, ALICE, "Maths", "algebra")
    await asyncio.wait_for(world.chat.upload_started.wait(), timeout=5)

    again = await world.press(ALICE, "algebra")
    await world.say(ALICE, "/sync demo 20")
    world.chat.upload_gate.set()
    await world.settle()

    assert again == (texts.JOB_RUNNING, True)
    assert world.texts(ALICE)[-1] == texts.JOB_RUNNING
    assert len(world.chat.documents[ALICE]) == 1
    await world.press(ALICE, "algebra")  # free again once the job is done
    await world.settle()
    assert len(world.chat.documents[ALICE]) == 2


async def test_jobs_beyond_the_global_limit_wait_for_a_slot(tmp_path: Path) -> None:
    gateway = demo_gateway()
    gateway.grant(CAROL_TOKEN, gateway.batches[1])
    gateway.add_file(gateway.batches[1], 202, "geometry.pdf", b"a triangle")
    gateway.add_file(gateway.batches[1], 203, "calculus.pdf", b"dy/dx")
    world = BotWorld(tmp_path, gateway=gateway, policy=default_policy(max_jobs=2))
    for user, token in ((ALICE, ALICE_TOKEN), (BOB, BOB_TOKEN), (CAROL, CAROL_TOKEN)):
        world.log_in(user, "demo", token)
    world.chat.upload_gate = asyncio.Event()

    # Three different files: the same file would be uploaded once, the others waiting for it.
    for user, file in ((ALICE, "algebra"), (BOB, "geometry"), (CAROL, "calculus")):
        await pick(world, user, "Maths", file)
    for _ in range(20):
        await asyncio.sleep(0)
    waiting = [u for u in (ALICE, BOB, CAROL) if "Waiting for a free slot" in world.last(u).text]
    world.chat.upload_gate.set()
    await world.settle()

    assert world.chat.uploading_max == 2
    assert waiting == [CAROL]
    assert all(len(world.chat.documents[u]) == 1 for u in (ALICE, BOB, CAROL))


async def test_two_hundred_users_at_once_each_get_only_their_own_files(tmp_path: Path) -> None:
    users = list(range(1_000, 1_200))
    gateway = FakeClassPlus()
    org = gateway.add_org("demo", name="Demo Academy")
    tokens = {}
    for user in users:
        batch = gateway.add_batch(org, user, f"Batch of {user}")
        gateway.add_file(batch, user, f"notes-{user}.pdf", f"private notes of {user}".encode())
        tokens[user] = make_token(chr(ord("a") + user % 26) + str(user))
        gateway.grant(tokens[user], batch)
    policy = default_policy(allowed_user_ids=frozenset(users), max_jobs=8)
    world = BotWorld(tmp_path, gateway=gateway, policy=policy)
    for user in users:
        world.log_in(user, "demo", tokens[user])

    async def session(user: int) -> None:
        await world.say(user, "/getbatches demo")
        await world.press(user, f"Batch of {user}")
        await world.press(user, f"notes-{user}.pdf")

    await asyncio.gather(*(session(user) for user in users))
    await world.settle()

    for user in users:
        [document] = world.chat.documents[user]
        assert document.content == f"private notes of {user}".encode()
        assert document.file_name == f"notes-{user}.pdf"
        others = [text for text in world.texts(user) if "notes-" in text or "Batch of" in text]
        assert all(str(user) in text for text in others)
        assert world.texts(user)[-1].startswith("✅ Sent")
    assert world.chat.uploading_max <= 8
    assert set(world.chat.documents) == set(users)
