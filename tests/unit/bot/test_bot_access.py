"""Who may use the bot, admin-only commands, and the per-user request rate."""

from pathlib import Path

import pytest

from cpbatch.application.bot import texts
from cpbatch.application.bot.settings import BotPolicy
from support.bot.demo import ALICE_TOKEN, demo_gateway
from support.bot.world import ADMIN, ALICE, STRANGER, BotWorld, default_policy
from support.log_lines import events, project_logging


async def test_a_stranger_gets_one_polite_refusal_then_silence(
    world: BotWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    with project_logging("INFO"):
        await world.say(STRANGER, "/start")
        await world.say(STRANGER, "/getbatches demo my-secret-words")
        await world.say(STRANGER, "hello?")
        answer = await world.press_key(STRANGER, "anything")

    assert world.texts(STRANGER) == [texts.REFUSAL]
    assert answer == (None, False)  # not even the button is answered
    err = capsys.readouterr().err
    refusals = events(err, "bot_access_refused")
    assert [(r["user_id"], r["repeat"]) for r in refusals] == [
        (STRANGER, False),
        (STRANGER, True),
        (STRANGER, True),
        (STRANGER, True),
    ]
    assert "my-secret-words" not in err
    assert "hello" not in err


async def test_a_strangers_first_button_press_gets_the_refusal_as_its_answer(
    world: BotWorld,
) -> None:
    answer = await world.press_key(STRANGER, "anything")

    assert answer == (texts.REFUSAL, True)
    assert world.texts(STRANGER) == []


async def test_with_an_empty_allow_list_only_admins_get_in(tmp_path: Path) -> None:
    world = BotWorld(
        tmp_path, gateway=demo_gateway(), policy=BotPolicy(admin_user_ids=frozenset({ADMIN}))
    )

    await world.say(ADMIN, "/start")
    await world.say(ALICE, "/start")

    assert world.texts(ADMIN) == [texts.WELCOME]
    assert world.texts(ALICE) == [texts.REFUSAL]


async def test_admin_only_commands_refuse_others_and_log_it(
    world: BotWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    with project_logging("INFO"):
        await world.say(ALICE, "/jobs")
        await world.say(ALICE, "/sync demo")
        await world.say(ADMIN, "/jobs")

    assert world.texts(ALICE)[0] == texts.ADMIN_ONLY
    assert "Only admins can sync a whole organization" in world.texts(ALICE)[1]
    assert world.texts(ADMIN) == [texts.job_status(0, 0, world.policy.max_jobs)]
    logged = events(capsys.readouterr().err, "bot_access_refused")
    assert [(r["user_id"], r["reason"], r["command"], r.get("org")) for r in logged] == [
        (ALICE, "admin_only", "jobs", None),
        (ALICE, "admin_only", "sync_org", "demo"),
    ]


async def test_a_burst_over_the_rate_gets_one_polite_message(tmp_path: Path) -> None:
    world = BotWorld(
        tmp_path, gateway=demo_gateway(), policy=default_policy(rate_count=5, rate_period_s=60)
    )

    for _ in range(20):
        await world.say(ALICE, "/start")
    answer = await world.press_key(ALICE, "whatever")

    said = world.texts(ALICE)
    assert said.count(texts.WELCOME) == 5
    assert said[5:] == [texts.rate_limited(12.0)]  # told once, then left alone
    assert "wait 12 s" in said[5]
    assert answer == (None, False)


async def test_the_rate_limit_lifts_as_time_passes(tmp_path: Path) -> None:
    world = BotWorld(
        tmp_path, gateway=demo_gateway(), policy=default_policy(rate_count=2, rate_period_s=10)
    )
    for _ in range(3):
        await world.say(ALICE, "/start")
    world.clock.advance(5)  # one request's worth
    await world.say(ALICE, "/start")
    await world.say(ALICE, "/start")

    assert world.texts(ALICE) == [
        texts.WELCOME,
        texts.WELCOME,
        texts.rate_limited(5),
        texts.WELCOME,
        texts.rate_limited(5),
    ]


async def test_buttons_count_against_the_rate_too(tmp_path: Path) -> None:
    world = BotWorld(
        tmp_path, gateway=demo_gateway(), policy=default_policy(rate_count=2, rate_period_s=60)
    )
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")

    answer = await world.press(ALICE, "Unit 1")

    assert answer == (texts.rate_limited(30), True)
    assert "📁 / ·" in world.last(ALICE).text  # the press changed nothing
