"""Regressions found by a review of the bot: secrets left in the chat, access outliving a
revoked token, lost /cancel, shutdown hanging on a late job, over-long part names."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cpbatch.application.bot import texts
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld, default_policy


# -- 1. secrets: a token sent where an org code is expected stays in the chat (and is echoed)
async def test_token_given_without_org_is_deleted_and_not_echoed(world: BotWorld) -> None:
    world.credentials.rows.clear()
    secret = ALICE_TOKEN.secret
    mid = await world.say(ALICE, f"/token {secret}")  # common mistake: forgot ORG
    assert mid in world.chat.deleted[ALICE], "message with the token was left in the chat"
    assert not any(secret[:12] in t for t in world.texts(ALICE)), world.texts(ALICE)


async def test_token_pasted_at_the_org_code_question_is_deleted(world: BotWorld) -> None:
    await world.say(ALICE, "/token")
    mid = await world.say(ALICE, ALICE_TOKEN.secret)  # pasted one step too early
    assert mid in world.chat.deleted[ALICE]


# -- 1b. secrets: a rate-limited user's pasted token is never deleted (gate runs first)
async def test_rate_limited_token_message_is_still_deleted(tmp_path: Path) -> None:
    world = BotWorld(tmp_path, gateway=demo_gateway(), policy=default_policy(rate_count=2))
    await world.say(ALICE, "/token demo")  # 1 request
    await world.say(ALICE, "/help")  # 2 requests: bucket empty
    mid = await world.say(ALICE, ALICE_TOKEN.secret)  # refused by the rate limiter
    assert mid in world.chat.deleted[ALICE]


# -- 2. entitlement: access revoked upstream, file still delivered from caches (no ClassPlus call)
async def test_revoked_user_gets_no_file_by_remembered_id(world: BotWorld) -> None:
    await world.say(BOB, "/getbatches demo")
    await world.press(BOB, "Maths")
    await world.press(BOB, "algebra")
    await world.settle()
    assert len(world.chat.documents[BOB]) == 1
    world.gateway.grants.pop(BOB_TOKEN.principal)  # Bob loses Maths / token revoked
    calls = dict(world.gateway.calls)
    await world.press(BOB, "algebra")  # same keyboard, a minute later
    await world.settle()
    assert dict(world.gateway.calls) != calls, "ClassPlus was never asked"
    assert len(world.chat.documents[BOB]) == 1, "revoked user received the file again"


# -- 3. /logout does not stop the user's running job: files keep coming with the forgotten token
async def test_logout_stops_running_job(world: BotWorld) -> None:
    world.chat.upload_gate = asyncio.Event()
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "algebra")
    await asyncio.wait_for(world.chat.upload_started.wait(), 5)
    await world.say(ALICE, "/logout")
    world.chat.upload_gate.set()
    await world.settle()
    assert world.chat.documents[ALICE] == []


# -- 4. /cancel sent while a button press is still being handled is lost; the job then runs
async def test_cancel_during_button_handling_stops_the_job_it_starts(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    world.app.clock.advance(10_000)  # listing cache expired
    gate = asyncio.Event()
    original = world.gateway.list_batches

    async def slow_list_batches(org, token):  # ClassPlus is slow right now
        await gate.wait()
        return await original(org, token)

    world.gateway.list_batches = slow_list_batches  # type: ignore[method-assign]
    press = asyncio.create_task(world.press(ALICE, "algebra"))
    for _ in range(10):
        await asyncio.sleep(0)
    cancel = asyncio.create_task(world.say(ALICE, "/cancel"))
    for _ in range(10):
        await asyncio.sleep(0)
    gate.set()
    await press, await cancel
    await world.settle()
    assert world.texts(ALICE)[-1] != texts.NOTHING_TO_CANCEL or world.chat.documents[ALICE] == []
    assert world.chat.documents[ALICE] == [], "the user said /cancel, the file came anyway"


# -- 5. shutdown: a job started while close() drains is not cancelled; close() hangs on it
async def test_close_refuses_or_cancels_jobs_started_during_shutdown(world: BotWorld) -> None:
    world.chat.upload_gate = asyncio.Event()  # uploads never finish
    edit_gate = asyncio.Event()
    original_edit = world.chat.edit_text

    async def slow_edit(chat_id, message_id, text, keyboard=None):
        if text == texts.CANCELLED:
            await edit_gate.wait()  # Telegram slow during shutdown
        await original_edit(chat_id, message_id, text, keyboard)

    world.chat.edit_text = slow_edit  # type: ignore[method-assign]
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "algebra")
    await asyncio.wait_for(world.chat.upload_started.wait(), 5)
    await world.say(BOB, "/getbatches demo")
    await world.press(BOB, "Maths")
    closing = asyncio.create_task(world.bot.close())  # SIGTERM
    for _ in range(10):
        await asyncio.sleep(0)
    await world.press(BOB, "algebra")  # update still dispatched
    edit_gate.set()
    done, _ = await asyncio.wait([closing], timeout=1)
    assert closing in done, "close() waits forever for a job it never cancelled"


# -- 6. a 255-byte file name + ".001" exceeds NAME_MAX: split files with long names always fail
async def test_long_named_big_file_is_split_and_sent(tmp_path: Path) -> None:
    gateway = demo_gateway()
    long_name = "L" * 251 + ".pdf"  # 255 bytes: what sanitize_name allows
    gateway.add_file(gateway.batches[1], 299, long_name, b"0123456789" * 3)
    world = BotWorld(tmp_path, gateway=gateway, policy=default_policy(max_part_size=16))
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "LLLL")
    await world.settle()
    assert len(world.chat.documents[ALICE]) == 2, world.texts(ALICE)[-1]
