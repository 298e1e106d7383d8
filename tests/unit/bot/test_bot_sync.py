"""/sync ORG [BATCH]: every downloadable file of a batch (admins: of the org), one progress
message for the job, and a summary of what was sent, skipped and why anything failed."""

from cpbatch.application.bot import delivery_texts, texts
from cpbatch.domain.errors import DeliveryError, DownloadFailedError
from support.bot.demo import ALICE_TOKEN
from support.bot.world import ADMIN, ALICE, BOB, BotWorld


async def test_sync_needs_an_org_and_for_most_users_a_batch(world: BotWorld) -> None:
    await world.say(ALICE, "/sync")
    await world.say(ALICE, "/sync demo course:x")

    assert world.texts(ALICE)[0] == delivery_texts.SYNC_USAGE
    assert "batch id must be a positive whole number" in world.texts(ALICE)[1]


async def test_sync_of_a_batch_sends_every_downloadable_file_with_one_progress_message(
    world: BotWorld,
) -> None:
    await world.say(ALICE, "/sync demo 12")
    await world.settle()

    assert sorted(d.file_name for d in world.chat.documents[ALICE]) == [
        "extra.pdf",
        "notes.pdf",
        "syllabus.pdf",
    ]
    [summary] = world.texts(ALICE)  # the job's one message, ending as its summary
    assert summary == delivery_texts.summary("Demo Academy · Physics", 3, 0, 2, [])
    assert "⏭ Skipped: 2 not downloadable" in summary


async def test_failures_are_listed_with_their_reasons_and_do_not_stop_the_rest(
    world: BotWorld,
) -> None:
    world.gateway.fail_on_open[102] = DownloadFailedError("extra.pdf: ClassPlus timed out.")

    await world.say(ALICE, "/sync demo 12")
    await world.settle()

    summary = world.last(ALICE).text
    assert "📤 Sent: 2" in summary
    assert "❌ Failed: 1" in summary
    assert "• extra.pdf — extra.pdf: ClassPlus timed out." in summary


async def test_a_batch_that_cannot_be_listed_is_still_named_in_the_summary(
    world: BotWorld,
) -> None:
    world.gateway.fail_listing[12] = DownloadFailedError("ClassPlus could not be reached.")

    await world.say(ALICE, "/sync demo course:12")
    await world.settle()

    summary = world.last(ALICE).text
    assert summary.startswith("🏁 Done: Demo Academy · Physics\n")
    assert "• Physics — ClassPlus could not be reached." in summary


async def test_delivery_failures_are_listed_too(world: BotWorld) -> None:
    world.chat.fail_uploads = DeliveryError("Telegram kept refusing the upload.")

    await world.say(ALICE, "/sync demo 20")
    await world.settle()

    assert "• algebra.pdf — Telegram kept refusing the upload." in world.last(ALICE).text


async def test_a_second_sync_moves_no_bytes(world: BotWorld) -> None:
    await world.say(ALICE, "/sync demo 12")
    await world.settle()
    opens, uploaded = world.gateway.total_opens, world.chat.uploaded_bytes

    await world.say(ALICE, "/sync demo course:12")
    await world.settle()

    assert "📤 Sent: 3 (3 without re-uploading)" in world.last(ALICE).text
    assert (world.gateway.total_opens, world.chat.uploaded_bytes) == (opens, uploaded)


async def test_an_admin_syncs_a_whole_org(world: BotWorld) -> None:
    world.log_in(ADMIN, "demo", ALICE_TOKEN)

    await world.say(ADMIN, "/sync demo")
    await world.settle()

    names = sorted(d.file_name for d in world.chat.documents[ADMIN])
    assert names == ["algebra.pdf", "extra.pdf", "notes.pdf", "syllabus.pdf"]
    assert world.last(ADMIN).text.startswith("🏁 Done: Demo Academy\n📤 Sent: 4")


async def test_a_batch_outside_the_users_listing_is_refused(world: BotWorld) -> None:
    await world.say(BOB, "/sync demo 12")
    await world.settle()

    assert "Batch 12 is not among the batches your account can open" in world.last(BOB).text
    assert world.chat.documents[BOB] == []


async def test_sync_without_a_login_says_how_to_log_in(world: BotWorld) -> None:
    world.credentials.rows.clear()

    await world.say(ALICE, "/sync demo 12")

    assert world.texts(ALICE) == [texts.not_logged_in("demo")]


async def test_an_expired_login_stops_the_sync_with_a_clear_message(world: BotWorld) -> None:
    world.gateway.grants.clear()

    await world.say(ALICE, "/sync demo 12")
    await world.settle()

    assert texts.session_expired("demo") in world.last(ALICE).text
