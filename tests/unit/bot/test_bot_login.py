"""/login (org code -> mobile -> one-time code), /token and /logout."""

import pytest

from cpbatch.application.bot import texts
from cpbatch.domain.errors import RateLimitExceededError
from support.bot.demo import ALICE_TOKEN, CAROL_TOKEN
from support.bot.world import ALICE, BotWorld

CAROL = 13
MOBILE = "9876543210"


@pytest.fixture
def carol_world(world: BotWorld) -> BotWorld:
    """Carol has an account at demo (mobile 9876543210) but no stored login yet."""
    org = world.gateway.orgs["demo"]
    world.gateway.add_account(org, MOBILE, CAROL_TOKEN)
    world.gateway.grant(CAROL_TOKEN, world.gateway.batches[1])
    return world


async def test_login_with_mobile_and_one_time_code_stores_the_token_encrypted(
    carol_world: BotWorld,
) -> None:
    world = carol_world
    await world.say(CAROL, "/login")
    await world.say(CAROL, "demo")
    await world.say(CAROL, "98765 43210")
    otp_message = await world.say(CAROL, "123456")

    assert "organization code" in world.texts(CAROL)[0]
    assert "Demo Academy" in world.texts(CAROL)[1]
    assert "mobile" in world.texts(CAROL)[1]
    assert "code" in world.texts(CAROL)[2]
    assert world.texts(CAROL)[3] == texts.logged_in(world.gateway.orgs["demo"])
    assert world.chat.deleted[CAROL] == [otp_message]  # the one-time code is gone from the chat
    ciphertext = world.credentials.rows[(CAROL, "demo")]
    assert CAROL_TOKEN.secret.encode() not in ciphertext
    assert world.cipher.decrypt(ciphertext) == CAROL_TOKEN.secret
    assert world.gateway.calls["check_token"] == 1  # proved before it was stored


async def test_login_takes_the_org_code_as_an_argument(carol_world: BotWorld) -> None:
    world = carol_world
    await world.say(CAROL, "/login DEMO")
    await world.say(CAROL, MOBILE)
    await world.say(CAROL, "123456")

    assert (CAROL, "demo") in world.credentials.rows


async def test_a_wrong_code_gets_a_second_chance(carol_world: BotWorld) -> None:
    world = carol_world
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, MOBILE)
    first = await world.say(CAROL, "000000")
    second = await world.say(CAROL, "123456")

    assert "wrong or has expired" in world.texts(CAROL)[2]
    assert "try again" in world.texts(CAROL)[2]
    assert world.chat.deleted[CAROL] == [first, second]
    assert (CAROL, "demo") in world.credentials.rows


async def test_two_wrong_codes_end_the_login(carol_world: BotWorld) -> None:
    world = carol_world
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, MOBILE)
    await world.say(CAROL, "000000")
    await world.say(CAROL, "111111")
    await world.say(CAROL, "123456")  # too late: no longer an answer

    assert "Send /login" in world.texts(CAROL)[3]
    assert world.texts(CAROL)[4] == texts.NOTHING_PENDING
    assert world.credentials.rows.get((CAROL, "demo")) is None
    assert world.gateway.calls["verify_otp"] == 2


async def test_something_that_is_not_a_code_is_deleted_too_and_costs_an_attempt(
    carol_world: BotWorld,
) -> None:
    world = carol_world
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, MOBILE)
    typo = await world.say(CAROL, "12 34 5x")

    assert world.chat.deleted[CAROL] == [typo]
    assert texts.BAD_OTP in world.texts(CAROL)[-1]
    assert world.gateway.calls["verify_otp"] == 0


async def test_a_bad_org_code_gets_a_second_chance_then_the_login_stops(world: BotWorld) -> None:
    await world.say(CAROL, "/login")
    await world.say(CAROL, "no such org!")
    await world.say(CAROL, "nosuchorg")

    assert "not an organization code" in world.texts(CAROL)[1]
    assert "try again" in world.texts(CAROL)[1]
    assert "No organization has the code 'nosuchorg'" in world.texts(CAROL)[2]
    assert "Send /login" in world.texts(CAROL)[2]


async def test_a_malformed_mobile_number_is_asked_again(carol_world: BotWorld) -> None:
    world = carol_world
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, "call me")
    await world.say(CAROL, MOBILE)

    assert texts.BAD_MOBILE in world.texts(CAROL)[1]
    assert world.gateway.calls["request_otp"] == 1
    assert "code" in world.texts(CAROL)[2]


async def test_an_unregistered_number_is_refused_by_classplus(carol_world: BotWorld) -> None:
    world = carol_world
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, "9999999999")
    await world.say(CAROL, "123456")

    assert "not registered" in world.texts(CAROL)[2]
    assert (CAROL, "demo") not in world.credentials.rows


async def test_otp_throttling_ends_the_login_with_its_reason(carol_world: BotWorld) -> None:
    world = carol_world
    world.gateway.otp_error = RateLimitExceededError("ClassPlus is limiting one-time codes.")
    await world.say(CAROL, "/login demo")
    await world.say(CAROL, MOBILE)
    await world.say(CAROL, MOBILE)

    assert "limiting one-time codes" in world.texts(CAROL)[1]
    assert world.texts(CAROL)[2] == texts.NOTHING_PENDING
    assert world.gateway.calls["request_otp"] == 1  # never retried on its own


async def test_token_in_one_message_is_checked_stored_and_deleted(world: BotWorld) -> None:
    world.credentials.rows.clear()

    message_id = await world.say(ALICE, f"/token demo {ALICE_TOKEN.secret}")

    assert world.chat.deleted[ALICE] == [message_id]
    assert world.texts(ALICE) == [texts.logged_in(world.gateway.orgs["demo"])]
    assert world.cipher.decrypt(world.credentials.rows[(ALICE, "demo")]) == ALICE_TOKEN.secret


async def test_token_step_by_step_deletes_the_pasted_token(world: BotWorld) -> None:
    world.credentials.rows.clear()
    await world.say(ALICE, "/token")
    await world.say(ALICE, "demo")
    pasted = await world.say(ALICE, ALICE_TOKEN.secret)

    assert world.chat.deleted[ALICE] == [pasted]
    assert "Paste your ClassPlus access token" in world.texts(ALICE)[1]
    assert (ALICE, "demo") in world.credentials.rows


async def test_a_token_classplus_rejects_is_not_stored(world: BotWorld) -> None:
    world.credentials.rows.clear()
    unknown = "eyJ" + "z" * 10 + ".e30.c"
    await world.say(ALICE, "/token demo")
    await world.say(ALICE, unknown)
    await world.say(ALICE, "not a token at all")

    assert "not valid" in world.texts(ALICE)[1]
    assert "try again" in world.texts(ALICE)[1]
    assert "does not look like a ClassPlus access token" in world.texts(ALICE)[2]
    assert "Send /token" in world.texts(ALICE)[2]
    assert world.credentials.rows == {}
    assert len(world.chat.deleted[ALICE]) == 2


async def test_logout_of_one_org_or_of_all(world: BotWorld) -> None:
    world.log_in(ALICE, "other", ALICE_TOKEN)

    await world.say(ALICE, "/logout demo")
    assert (ALICE, "demo") not in world.credentials.rows
    assert (ALICE, "other") in world.credentials.rows

    await world.say(ALICE, "/logout")
    await world.say(ALICE, "/logout")
    assert not [key for key in world.credentials.rows if key[0] == ALICE]
    assert world.texts(ALICE) == [
        texts.logged_out(1, "demo"),
        texts.logged_out(1, None),
        texts.logged_out(0, None),
    ]


async def test_a_stored_token_the_key_cannot_decrypt_asks_to_log_in_again(
    world: BotWorld,
) -> None:
    world.credentials.rows[(ALICE, "demo")] = b"made with another key"

    await world.say(ALICE, "/getbatches demo")

    assert world.texts(ALICE) == [texts.CREDENTIAL_UNREADABLE]
    assert world.credentials.rows[(ALICE, "demo")] == b"made with another key"  # untouched
