"""/start, /help, /cancel outside jobs, and what the bot says to text it did not ask for."""

from cpbatch.application.bot import texts
from support.bot.demo import ALICE_TOKEN
from support.bot.world import ADMIN, ALICE, BotWorld


async def test_start_welcomes_and_says_what_the_bot_does(world: BotWorld) -> None:
    await world.say(ALICE, "/start")

    assert world.texts(ALICE) == [texts.WELCOME]
    assert "/login" in texts.WELCOME
    assert "/getbatches" in texts.WELCOME


async def test_help_lists_every_command_with_an_example(world: BotWorld) -> None:
    await world.say(ALICE, "/help")

    help_text = world.last(ALICE).text
    for command in ("/start", "/help", "/login", "/token", "/logout", "/getbatches", "/sync"):
        assert command in help_text
        assert f"e.g. {command}" in help_text or command in ("/start", "/help")
    assert "/cancel" in help_text
    assert "/jobs" not in help_text  # admins only


async def test_admins_also_see_the_admin_commands(world: BotWorld) -> None:
    await world.say(ADMIN, "/help@CpbatchBot")

    assert "/jobs" in world.last(ADMIN).text


async def test_an_unknown_command_points_to_help(world: BotWorld) -> None:
    await world.say(ALICE, "/frobnicate now")

    assert world.texts(ALICE) == [texts.unknown_command("frobnicate")]


async def test_text_nobody_asked_for_gets_a_hint(world: BotWorld) -> None:
    await world.say(ALICE, "hello?")

    assert world.texts(ALICE) == [texts.NOTHING_PENDING]


async def test_a_token_pasted_out_of_the_blue_is_deleted_and_not_stored(world: BotWorld) -> None:
    world.credentials.rows.clear()

    message_id = await world.say(ALICE, ALICE_TOKEN.secret)

    assert world.chat.deleted[ALICE] == [message_id]
    assert world.texts(ALICE) == [texts.DELETED_UNASKED_LOGIN]
    assert world.credentials.rows == {}


async def test_cancel_with_nothing_going_on_says_so(world: BotWorld) -> None:
    await world.say(ALICE, "/cancel")

    assert world.texts(ALICE) == [texts.NOTHING_TO_CANCEL]


async def test_cancel_abandons_a_pending_question(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches")
    await world.say(ALICE, "/cancel")
    await world.say(ALICE, "demo")  # no longer an answer

    assert world.texts(ALICE)[1:] == [texts.CANCELLED_STEP, texts.NOTHING_PENDING]


async def test_a_new_command_replaces_a_pending_question(world: BotWorld) -> None:
    await world.say(ALICE, "/login")
    await world.say(ALICE, "/start")
    await world.say(ALICE, "demo")

    assert world.texts(ALICE)[-1] == texts.NOTHING_PENDING


async def test_a_question_left_unanswered_expires(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches")
    world.clock.advance(world.policy.state_ttl_s + 1)

    await world.say(ALICE, "demo")

    assert world.texts(ALICE)[-1] == texts.NOTHING_PENDING
