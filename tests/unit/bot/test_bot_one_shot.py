"""A command given with its arguments is one-shot: when an argument is wrong, the bot says why
and how to run it again, and asks no question (so it offers no "try again, or /cancel")."""

import pytest

from cpbatch.application.bot import texts
from cpbatch.domain.errors import DownloadFailedError
from support.bot.world import ALICE, BotWorld

CAROL = 13
NOT_A_TOKEN = "eyJ" + "z" * 10 + ".e30.c"  # shaped like a token; ClassPlus does not know it


@pytest.mark.parametrize(
    ("command", "reason", "restart"),
    [
        ("/getbatches nosuch", "No organization has the code 'nosuch'", "/getbatches"),
        ("/getbatches no!such", "is not an organization code", "/getbatches"),
        ("/login nosuch", "No organization has the code 'nosuch'", "/login"),
        ("/token nosuch", "No organization has the code 'nosuch'", "/token"),
        (f"/token demo {NOT_A_TOKEN}", "not valid", "/token"),
    ],
)
async def test_a_wrong_argument_says_why_and_leaves_no_question_pending(
    world: BotWorld, command: str, reason: str, restart: str
) -> None:
    world.credentials.rows.clear()

    await world.say(CAROL, command)
    await world.say(CAROL, "demo")

    answer, after = world.texts(CAROL)
    assert reason in answer
    assert f"Send {restart}" in answer
    assert "/cancel" not in answer
    assert "try again" not in answer.lower()
    assert after == texts.NOTHING_PENDING


async def test_classplus_out_of_reach_during_a_one_shot_login_asks_nothing(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*_: object) -> None:
        raise DownloadFailedError("ClassPlus could not be reached.")

    monkeypatch.setattr(world.gateway, "lookup_org", unreachable)
    await world.say(ALICE, "/login demo")
    monkeypatch.undo()
    await world.say(ALICE, "demo")

    answer, after = world.texts(ALICE)
    assert "ClassPlus could not be reached." in answer
    assert "/cancel" not in answer
    assert after == texts.NOTHING_PENDING


async def test_an_asked_question_still_offers_another_try(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches")
    await world.say(ALICE, "nosuch")

    assert "Please try again, or /cancel." in world.texts(ALICE)[1]


async def test_classplus_out_of_reach_while_answering_keeps_the_question(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*_: object) -> None:
        raise DownloadFailedError("ClassPlus could not be reached.")

    await world.say(ALICE, "/login")
    monkeypatch.setattr(world.gateway, "lookup_org", unreachable)
    await world.say(ALICE, "demo")
    await world.say(ALICE, "demo")  # out of reach twice: costs no attempt
    monkeypatch.undo()
    await world.say(ALICE, "demo")

    assert world.texts(ALICE)[1].endswith("Please try again, or /cancel.")
    assert world.texts(ALICE)[2].endswith("Please try again, or /cancel.")
    assert "Send the mobile number" in world.texts(ALICE)[3]
