"""Tapping a file: live progress, the document with its caption, more files without starting
over, and a file uploaded once being re-sent by its Telegram id — only to entitled users."""

import re
from pathlib import Path

from cpbatch.application.bot import delivery_texts, texts
from cpbatch.application.bot.callbacks import PickFile
from cpbatch.domain.errors import DeliveryError
from support.bot.chat import FakeChat
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, NOTES, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld

CAROL = 13
ALGEBRA = b"x + y = z"


async def open_maths(world: BotWorld, user: int) -> None:
    await world.say(user, "/getbatches demo")
    await world.press(user, "Maths")


async def test_a_tapped_file_arrives_with_name_size_and_batch_in_its_caption(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    await world.press(ALICE, "Unit 1")
    await world.press(ALICE, "notes.pdf")
    await world.settle()

    [document] = world.chat.documents[ALICE]
    assert document.file_name == "notes.pdf"
    assert document.content == NOTES
    assert document.caption == "📄 notes.pdf\n31 B · 📚 Physics"
    assert world.last(ALICE).text == delivery_texts.sent("notes.pdf", len(NOTES), 1, True)
    assert not list(world.work_dir.rglob("*"))  # the temporary copy is gone


async def test_more_files_can_be_picked_without_starting_over(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    browser = world.chat.with_keyboard(ALICE)

    await world.press(ALICE, "syllabus")
    await world.settle()
    _, unit = world.chat.button(ALICE, "Unit 1")
    await world.press_key(ALICE, unit.key, browser.message_id)
    await world.press(ALICE, "notes.pdf")
    await world.settle()

    assert [d.file_name for d in world.chat.documents[ALICE]] == ["syllabus.pdf", "notes.pdf"]


async def test_progress_shows_percent_speed_and_eta_and_is_throttled(tmp_path: Path) -> None:
    gateway = demo_gateway()
    gateway.chunk_size = 1
    data = bytes(range(200)) * 5
    gateway.add_file(gateway.batches[1], 202, "big.pdf", data)
    chat = FakeChat()
    # Time passes with the work: 0.5 s per byte downloaded, 10 s per upload progress report.
    clock = lambda: 1_000.0 + 0.5 * gateway.bytes_served + 10 * chat.progress_calls  # noqa: E731
    world = BotWorld(tmp_path, gateway=gateway, chat=chat, clock=clock)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    await open_maths(world, ALICE)

    await world.press(ALICE, "big.pdf")
    await world.settle()

    edits = world.last(ALICE).edits
    downloading = [t for t in edits if t.startswith(texts.DOWNLOADING)]
    uploading = [t for t in edits if t.startswith(texts.UPLOADING)]
    assert downloading
    assert uploading
    assert re.search(r"\d+% · .* of 1000 B\n2 B/s · ETA \d+:\d\d", downloading[0])
    assert "big.pdf" in downloading[0]
    assert "%" in uploading[0]
    # 1000 bytes at 0.5 s each plus 20 s of upload: at most one edit per 3 s, plus the result.
    assert len(edits) <= (500 + 20) / world.policy.progress_interval_s + 1
    assert edits[-1] == delivery_texts.sent("big.pdf", len(data), 1, True)


async def test_a_second_send_to_the_same_user_moves_no_bytes(world: BotWorld) -> None:
    await open_maths(world, ALICE)
    await world.press(ALICE, "algebra")
    await world.settle()
    opens, uploaded = world.gateway.total_opens, world.chat.uploaded_bytes

    await world.press(ALICE, "algebra")
    await world.settle()

    first, second = world.chat.documents[ALICE]
    assert second.by_remote_id
    assert second.remote_id == first.remote_id
    assert second.caption == first.caption
    assert (world.gateway.total_opens, world.chat.uploaded_bytes) == (opens, uploaded)
    assert world.last(ALICE).text == delivery_texts.sent("algebra.pdf", len(ALGEBRA), 1, False)


async def test_another_entitled_user_gets_it_by_id_with_no_bytes_moved(world: BotWorld) -> None:
    await open_maths(world, ALICE)
    await world.press(ALICE, "algebra")
    await world.settle()
    opens, uploaded = world.gateway.total_opens, world.chat.uploaded_bytes

    await open_maths(world, BOB)
    await world.press(BOB, "algebra")
    await world.settle()

    [document] = world.chat.documents[BOB]
    assert document.by_remote_id
    assert document.remote_id == world.chat.documents[ALICE][0].remote_id
    assert (world.gateway.total_opens, world.chat.uploaded_bytes) == (opens, uploaded)
    assert world.chat.uploads == 1


async def test_a_user_whose_listing_lacks_the_file_never_gets_it_even_cached(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    await world.press(ALICE, "syllabus")
    await world.settle()
    world.gateway.grant(CAROL_TOKEN, world.gateway.batches[1])  # Carol: Maths only
    world.log_in(CAROL, "demo", CAROL_TOKEN)
    # Even a key that names the file (as if forged server-side) must not deliver it.
    key = world.bot._callbacks.issue(CAROL, PickFile("demo", "course:12", 105))

    text, alert = await world.press_key(CAROL, key)
    await world.settle()

    assert alert
    assert text is not None
    assert "your account can open" in text
    assert world.chat.documents[CAROL] == []
    assert world.chat.uploads == 1


async def test_a_user_who_lost_access_no_longer_gets_the_file(world: BotWorld) -> None:
    await open_maths(world, BOB)
    await world.press(BOB, "algebra")
    await world.settle()
    world.gateway.grants[BOB_TOKEN.principal] = set()
    world.app.clock.advance(10_000)  # the cached listing is stale: Bob's own is read again

    text, alert = await world.press(BOB, "algebra")
    await world.settle()

    assert alert
    assert text is not None
    assert "your account can open" in text
    assert len(world.chat.documents[BOB]) == 1


async def test_a_failed_upload_says_why(world: BotWorld) -> None:
    world.chat.fail_uploads = DeliveryError("Telegram refused the file after 3 tries.")
    await open_maths(world, ALICE)

    await world.press(ALICE, "algebra")
    await world.settle()

    assert world.chat.documents[ALICE] == []
    assert "Telegram refused the file after 3 tries." in world.last(ALICE).text
    assert world.remote_ids.ids == {}
    assert not list(world.work_dir.rglob("*"))


async def test_an_id_telegram_forgot_is_replaced_by_a_fresh_upload(world: BotWorld) -> None:
    await open_maths(world, ALICE)
    await world.press(ALICE, "algebra")
    await world.settle()
    world.chat.forget_remote_ids = True

    await world.press(ALICE, "algebra")
    await world.settle()

    assert [d.by_remote_id for d in world.chat.documents[ALICE]] == [False, False]
    assert world.chat.uploads == 2
    assert world.last(ALICE).text == delivery_texts.sent("algebra.pdf", len(ALGEBRA), 1, True)


async def test_an_empty_file_is_not_sent_and_says_why(world: BotWorld) -> None:
    world.gateway.add_file(world.gateway.batches[1], 203, "blank.pdf", b"")
    await open_maths(world, ALICE)

    await world.press(ALICE, "blank")
    await world.settle()

    assert world.chat.documents[ALICE] == []
    assert delivery_texts.EMPTY_FILE in world.last(ALICE).text


async def test_download_all_sends_every_downloadable_file_below_and_sums_up(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Physics")
    await world.press(ALICE, "Download all")
    await world.settle()

    names = sorted(d.file_name for d in world.chat.documents[ALICE])
    assert names == ["extra.pdf", "notes.pdf", "syllabus.pdf"]
    summary = world.last(ALICE).text
    assert "📤 Sent: 3" in summary
    assert "⏭ Skipped: 2 not downloadable" in summary
    assert "❌ Failed: none" in summary
