"""Documents through pyrogram's real upload (save_file on a media session, parts, md5) and
its file ids, to the fake data centre, which keeps what arrived so its bytes can be checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pyrogram import raw
from pyrogram.file_id import FileId

from cpbatch.application.ports.chat import Upload
from cpbatch.domain.errors import DeliveryError
from support.telegram import RpcFailure
from support.telegram.harness import PERSON, WiredBot

PART = 512 * 1024
SEND_MEDIA = raw.functions.messages.SendMedia
PARTS = (raw.functions.upload.SaveFilePart, raw.functions.upload.SaveBigFilePart)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF" + bytes(range(256)) * ((PART + 10) // 256 + 1))  # two parts
    return path


def parts_sent(bot: WiredBot) -> int:
    return sum(len(bot.calls_of(kind)) for kind in PARTS)


async def test_a_file_arrives_whole_with_its_name_caption_and_progress(
    bot: WiredBot, pdf: Path
) -> None:
    reports: list[tuple[int, int]] = []

    async def progress(sent: int, total: int) -> None:
        reports.append((sent, total))

    sent = await bot.chat.send_document(PERSON, Upload("Notes 1.pdf", path=pdf), "Notes", progress)

    [received] = bot.world.received
    assert received.sha256 == sha256(pdf)
    assert (received.file_name, received.caption, received.uploaded) == (
        "Notes 1.pdf",
        "Notes",
        True,
    )
    size = pdf.stat().st_size
    assert reports == [(PART, size), (size, size)]
    [request] = bot.calls_of(SEND_MEDIA)
    assert request.media.force_file is True  # a document, never turned into a video or audio
    stored = next(iter(bot.world.documents.values())).document
    assert FileId.decode(sent.remote_id).media_id == stored.id


async def test_a_file_over_10_mb_goes_as_a_big_file_and_arrives_whole(
    bot: WiredBot, tmp_path: Path
) -> None:
    big = tmp_path / "lecture.pdf"
    big.write_bytes(hashlib.sha256(b"seed").digest() * (11 * 1024 * 1024 // 32))
    reports: list[int] = []

    async def progress(sent: int, total: int) -> None:
        reports.append(sent)

    await bot.chat.send_document(PERSON, Upload("lecture.pdf", path=big), "", progress)

    [received] = bot.world.received
    assert received.sha256 == sha256(big)
    assert len(bot.calls_of(raw.functions.upload.SaveBigFilePart)) == 22
    assert reports == sorted(reports)
    assert reports[-1] == big.stat().st_size


async def test_a_failing_progress_report_does_not_abort_the_upload(
    bot: WiredBot, pdf: Path
) -> None:
    async def progress(sent: int, total: int) -> None:
        raise RuntimeError("the message to edit is gone")

    await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "", progress)

    assert [r.sha256 for r in bot.world.received] == [sha256(pdf)]


async def test_a_known_file_id_is_sent_again_without_moving_bytes(bot: WiredBot, pdf: Path) -> None:
    first = await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "first")
    parts = parts_sent(bot)

    again = await bot.chat.send_document(
        PERSON, Upload("n.pdf", path=pdf, remote_id=first.remote_id), "again"
    )

    assert parts_sent(bot) == parts
    assert [(r.sha256, r.uploaded) for r in bot.world.received] == [
        (sha256(pdf), True),
        (sha256(pdf), False),
    ]
    assert FileId.decode(again.remote_id).media_id == FileId.decode(first.remote_id).media_id


async def test_an_expired_file_reference_falls_back_to_uploading(bot: WiredBot, pdf: Path) -> None:
    first = await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "")
    bot.world.expire_file_references()

    await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf, remote_id=first.remote_id), "")

    assert [r.uploaded for r in bot.world.received] == [True, True]
    assert bot.world.received[1].sha256 == sha256(pdf)


@pytest.mark.parametrize("refusal", ["MEDIA_EMPTY", "FILE_REFERENCE_EXPIRED", "FILE_ID_INVALID"])
async def test_a_refused_file_id_falls_back_to_uploading(
    bot: WiredBot, pdf: Path, refusal: str
) -> None:
    first = await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "")
    bot.world.fail(SEND_MEDIA, RpcFailure(400, refusal))

    await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf, remote_id=first.remote_id), "")

    assert [r.uploaded for r in bot.world.received] == [True, True]


async def test_an_undecodable_file_id_falls_back_to_uploading(bot: WiredBot, pdf: Path) -> None:
    await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf, remote_id="not-an-id"), "")

    assert [(r.sha256, r.uploaded) for r in bot.world.received] == [(sha256(pdf), True)]


async def test_a_refused_file_id_without_a_local_copy_is_a_delivery_error(
    bot: WiredBot, pdf: Path
) -> None:
    first = await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "")
    bot.world.fail(SEND_MEDIA, RpcFailure(400, "MEDIA_EMPTY"))

    with pytest.raises(DeliveryError, match="MEDIA_EMPTY"):
        await bot.chat.send_document(PERSON, Upload("n.pdf", remote_id=first.remote_id), "")


async def test_a_blocked_user_is_not_sent_the_bytes_after_the_id_fails(
    bot: WiredBot, pdf: Path
) -> None:
    first = await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "")
    parts = parts_sent(bot)
    bot.world.fail(SEND_MEDIA, RpcFailure(403, "USER_IS_BLOCKED"))

    with pytest.raises(DeliveryError, match="blocked"):
        await bot.chat.send_document(
            PERSON, Upload("n.pdf", path=pdf, remote_id=first.remote_id), ""
        )

    assert parts_sent(bot) == parts


async def test_missing_or_empty_files_fail_before_anything_is_sent(
    bot: WiredBot, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    calls = len(bot.world.calls)

    with pytest.raises(DeliveryError, match="no longer on disk"):
        await bot.chat.send_document(PERSON, Upload("gone.pdf", path=tmp_path / "gone.pdf"), "")
    with pytest.raises(DeliveryError, match="empty"):
        await bot.chat.send_document(PERSON, Upload("empty.pdf", path=empty), "")
    with pytest.raises(DeliveryError, match="no local copy"):
        await bot.chat.send_document(PERSON, Upload("nothing.pdf"), "")

    assert len(bot.world.calls) == calls


async def test_an_answer_without_the_sent_message_is_a_delivery_error(
    bot: WiredBot, pdf: Path
) -> None:
    empty_updates = bot.world.updates([])
    bot.world.fail(SEND_MEDIA, empty_updates)

    with pytest.raises(DeliveryError, match="did not confirm"):
        await bot.chat.send_document(PERSON, Upload("n.pdf", path=pdf), "")
