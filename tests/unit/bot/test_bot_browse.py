"""/getbatches: org code (with a second chance), paged batches, and folders with navigation."""

from pathlib import Path

import pytest

from cpbatch.application.bot import browse_texts, texts, watch_texts
from cpbatch.domain.errors import DownloadFailedError
from support.bot.demo import ALICE_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld, default_policy
from support.fakes import FakeClassPlus

PAGE = 8


def world_with_batches(tmp_path: Path, count: int) -> BotWorld:
    gateway = FakeClassPlus()
    org = gateway.add_org("big", name="Big School")
    batches = [gateway.add_batch(org, n, f"Batch {n:02d}") for n in range(1, count + 1)]
    gateway.grant(ALICE_TOKEN, *batches)
    world = BotWorld(tmp_path, gateway=gateway, policy=default_policy(page_size=PAGE))
    world.log_in(ALICE, "big", ALICE_TOKEN)
    return world


async def test_asks_for_the_org_code_and_shows_the_org_and_its_batches(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches")
    await world.say(ALICE, "DEMO")

    assert "organization code" in world.texts(ALICE)[0]
    assert "You're logged in to: demo" in world.texts(ALICE)[0]
    shown = world.last(ALICE)
    assert "Demo Academy" in shown.text
    assert "Found 2 batches" in shown.text
    assert shown.labels() == ["📚 Physics", "📚 Maths"]


async def test_a_bad_org_code_gets_a_clear_error_and_a_second_chance(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches")
    await world.say(ALICE, "???")
    await world.say(ALICE, "demo")

    assert "is not an organization code" in world.texts(ALICE)[1]
    assert "Please try again" in world.texts(ALICE)[1]
    assert "Demo Academy" in world.texts(ALICE)[2]


async def test_an_unknown_org_gets_a_second_chance_then_the_question_ends(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches")
    await world.say(ALICE, "nosuch")
    await world.say(ALICE, "stillnot")
    await world.say(ALICE, "demo")

    assert "No organization has the code 'nosuch'" in world.texts(ALICE)[1]
    assert "Please try again" in world.texts(ALICE)[1]
    assert "Send /getbatches" in world.texts(ALICE)[2]
    assert world.texts(ALICE)[3] == texts.NOTHING_PENDING


async def test_an_org_the_user_is_not_logged_in_to_says_how_to_log_in(world: BotWorld) -> None:
    world.credentials.rows.clear()

    await world.say(ALICE, "/getbatches demo")

    assert world.texts(ALICE) == [browse_texts.no_login_for(world.gateway.orgs["demo"], [])]
    assert "Send /login demo (or /token demo) first." in world.texts(ALICE)[0]


async def test_an_org_without_a_login_says_no_batches_can_be_seen_there_and_what_to_do(
    world: BotWorld,
) -> None:
    world.gateway.add_org("emptyorg", org_id=8, name="Empty Org Academy")  # no batches at all

    await world.say(ALICE, "/getbatches emptyorg")

    [answer] = world.texts(ALICE)
    assert "Empty Org Academy" in answer
    assert "no batches" in answer
    assert "logged in to demo" in answer  # the login the user has is for another org
    assert "/login emptyorg" in answer
    assert answer != texts.not_logged_in("emptyorg")


async def test_an_org_with_no_batches_for_the_user_says_so(world: BotWorld) -> None:
    world.gateway.grants[ALICE_TOKEN.principal] = set()

    await world.say(ALICE, "/getbatches demo")

    answer = world.last(ALICE).text
    assert "Demo Academy" in answer
    assert "no batches" in answer
    assert "/login demo" in answer  # what to do when the batches are on another account
    assert world.last(ALICE).keyboard is None


@pytest.mark.parametrize("count", [1, PAGE])
async def test_up_to_one_page_of_batches_has_no_page_buttons(tmp_path: Path, count: int) -> None:
    world = world_with_batches(tmp_path, count)

    await world.say(ALICE, "/getbatches big")

    labels = world.last(ALICE).labels()
    assert len(labels) == count
    navigation = (browse_texts.PREV, browse_texts.NEXT)
    assert not any(label in navigation or "Page" in label for label in labels)


async def test_pages_of_batches_go_forward_and_back(tmp_path: Path) -> None:
    world = world_with_batches(tmp_path, 2 * PAGE + 1)
    await world.say(ALICE, "/getbatches big")
    first = world.last(ALICE)

    assert first.labels()[0] == "📚 Batch 01"
    assert len(first.labels()) == PAGE + 2
    assert first.labels()[-2:] == ["Page 1 of 3", browse_texts.NEXT]  # no Prev on the first page

    await world.press(ALICE, browse_texts.NEXT)
    await world.press(ALICE, browse_texts.NEXT)
    last = world.last(ALICE)
    assert last.message_id == first.message_id  # edited in place
    assert last.labels() == ["📚 Batch 17", browse_texts.PREV, "Page 3 of 3"]  # no Next on the last
    assert "Page 3 of 3" in last.text

    await world.press(ALICE, browse_texts.PREV)
    assert world.last(ALICE).labels()[0] == "📚 Batch 09"
    assert world.last(ALICE).labels()[-3:] == [browse_texts.PREV, "Page 2 of 3", browse_texts.NEXT]
    assert len(world.texts(ALICE)) == 1


async def test_the_page_counter_button_does_nothing(tmp_path: Path) -> None:
    world = world_with_batches(tmp_path, PAGE + 1)
    await world.say(ALICE, "/getbatches big")
    before = world.last(ALICE).labels()

    answer = await world.press(ALICE, "Page 1 of 2")

    assert answer == (None, False)
    assert world.last(ALICE).labels() == before


def world_with_listed_sizes(tmp_path: Path) -> BotWorld:
    """A world whose listings give file sizes (ClassPlus's do not, but the model allows it)."""
    world = BotWorld(tmp_path, gateway=demo_gateway(listed_sizes=True))
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world


async def test_a_batch_opens_as_a_folder_tree_with_sizes_and_navigation(tmp_path: Path) -> None:
    world = world_with_listed_sizes(tmp_path)
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    root = world.last(ALICE)

    assert "📚 Physics" in root.text
    assert "/sync demo course:12" in root.text
    assert browse_texts.SIZES_NOT_GIVEN not in root.text  # every size is known
    assert root.labels() == [
        "📁 Unit 1 (3)",
        "🚫 Quiz 1 · not downloadable",
        "📄 syllabus.pdf · 12 B",
        "⬇ Download all (3 files, 56 B)",
        watch_texts.WATCH_BUTTON,
        browse_texts.BACK,
    ]

    await world.press(ALICE, "Unit 1")
    unit = world.last(ALICE)
    assert "📁 /Unit 1" in unit.text
    assert unit.labels() == [
        "📁 Deep (1)",
        "📄 notes.pdf · 31 B",
        "🎬 Lecture 1 · not downloadable",
        "⬇ Download all (2 files, 44 B)",
        browse_texts.UP,
        browse_texts.BACK,
    ]

    await world.press(ALICE, "Deep")
    assert "📁 /Unit 1/Deep" in world.last(ALICE).text
    await world.press(ALICE, browse_texts.UP)
    assert "📁 /Unit 1 ·" in world.last(ALICE).text
    await world.press(ALICE, browse_texts.BACK)
    assert world.last(ALICE).labels() == ["📚 Physics", "📚 Maths"]
    assert len(world.texts(ALICE)) == 1  # all of it in one message


async def test_sizes_classplus_does_not_give_are_not_guessed_and_said_once(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    root = world.last(ALICE)

    assert root.labels() == [
        "📁 Unit 1 (3)",
        "🚫 Quiz 1 · not downloadable",
        "📄 syllabus.pdf",
        "⬇ Download all (3 files)",
        watch_texts.WATCH_BUTTON,
        browse_texts.BACK,
    ]
    assert root.text.count(browse_texts.SIZES_NOT_GIVEN) == 1


async def test_a_file_fetched_before_shows_its_size_from_the_store(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    browser = world.last(ALICE).message_id
    await world.press(ALICE, "syllabus")
    await world.settle()

    _, back = world.chat.button(ALICE, browse_texts.BACK)
    await world.press_key(ALICE, back.key, browser)
    await world.press(ALICE, "Physics")
    root = world.chat.with_keyboard(ALICE)

    assert root.message_id == browser
    assert "📄 syllabus.pdf · 12 B" in root.labels()
    assert "⬇ Download all (3 files, at least 12 B)" in root.labels()
    assert root.text.count(browse_texts.SIZES_NOT_GIVEN) == 1  # notes and extra: still unknown


async def test_a_video_is_shown_as_not_downloadable_and_starts_nothing(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    await world.press(ALICE, "Unit 1")

    text, alert = await world.press(ALICE, "Lecture 1")
    await world.settle()

    assert alert
    assert text is not None
    assert "videos are streamed by ClassPlus" in text
    assert world.chat.documents[ALICE] == []
    assert world.gateway.total_opens == 0


async def test_a_forged_button_gets_a_clear_answer_and_changes_nothing(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    before = world.last(ALICE).labels()

    answer = await world.press_key(ALICE, "forged-key-123", world.last(ALICE).message_id)

    assert answer == (texts.STALE_BUTTON, True)
    assert world.last(ALICE).labels() == before
    assert len(world.texts(ALICE)) == 1


async def test_someone_elses_button_does_nothing_for_the_presser(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    _, physics = world.chat.button(ALICE, "Physics")
    calls_before = sum(world.gateway.calls.values())

    answer = await world.press_key(BOB, physics.key, world.last(ALICE).message_id, chat_id=BOB)
    await world.settle()

    assert answer == (texts.STALE_BUTTON, True)
    assert world.texts(BOB) == []
    assert world.last(ALICE).labels() == ["📚 Physics", "📚 Maths"]
    assert sum(world.gateway.calls.values()) == calls_before


async def test_an_expired_button_gets_a_clear_answer(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    world.clock.advance(world.policy.callback_ttl_s + 1)

    answer = await world.press(ALICE, "Physics")

    assert answer == (texts.STALE_BUTTON, True)
    assert world.last(ALICE).labels() == ["📚 Physics", "📚 Maths"]


async def test_callback_keys_are_short_and_opaque(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")

    keys = [button.key for button in world.chat.with_keyboard(ALICE).buttons()]
    assert all(len(key.encode()) == 12 for key in keys)  # well inside Telegram's 64 bytes
    assert len(set(keys)) == len(keys)


async def test_a_login_that_expires_mid_conversation_asks_to_log_in_again(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches demo")
    del world.gateway.grants[ALICE_TOKEN.principal]  # ClassPlus no longer accepts the token

    text, alert = await world.press(ALICE, "Physics")

    assert alert
    assert text == texts.session_expired("demo")
    assert world.texts(ALICE)[-1] == texts.session_expired("demo")
    assert "/login demo" in texts.session_expired("demo")


async def test_a_login_expired_before_listing_asks_to_log_in_again(tmp_path: Path) -> None:
    world = BotWorld(tmp_path, gateway=demo_gateway())
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.gateway.grants.clear()

    await world.say(ALICE, "/getbatches demo")

    assert world.texts(ALICE) == [texts.session_expired("demo")]


async def test_a_big_folder_is_paged_too(tmp_path: Path) -> None:
    gateway = demo_gateway(listed_sizes=True)
    maths = gateway.batches[1]
    for n in range(PAGE + 1):
        gateway.add_file(maths, 500 + n, f"sheet-{n:02d}.pdf", b"x" * 1024)
    world = BotWorld(tmp_path, gateway=gateway, policy=default_policy(page_size=PAGE))
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")

    first = world.last(ALICE).labels()
    assert first[0] == "📄 algebra.pdf · 9 B"
    assert first[PAGE:] == [
        "⬇ Download all (10 files, 9.0 KiB)",
        "Page 1 of 2",
        browse_texts.NEXT,
        watch_texts.WATCH_BUTTON,
        browse_texts.BACK,
    ]
    await world.press(ALICE, browse_texts.NEXT)
    assert world.last(ALICE).labels() == [
        "📄 sheet-07.pdf · 1.0 KiB",
        "📄 sheet-08.pdf · 1.0 KiB",
        "⬇ Download all (10 files, 9.0 KiB)",
        browse_texts.PREV,
        "Page 2 of 2",
        watch_texts.WATCH_BUTTON,
        browse_texts.BACK,
    ]
    await world.press(ALICE, browse_texts.BACK)
    assert world.last(ALICE).labels() == ["📚 Physics", "📚 Maths"]


async def test_classplus_out_of_reach_is_reported_plainly(world: BotWorld) -> None:
    world.gateway.fail_listing[12] = DownloadFailedError("ClassPlus could not be reached.")
    await world.say(ALICE, "/getbatches demo")

    answer = await world.press(ALICE, "Physics")

    assert answer == ("ClassPlus could not be reached.", True)
    assert world.last(ALICE).labels() == ["📚 Physics", "📚 Maths"]
