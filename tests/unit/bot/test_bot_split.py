"""Files above Telegram's upload limit arrive as numbered parts with a note on joining them."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cpbatch.application.bot import delivery_texts
from cpbatch.application.bot.parts import split_into_parts
from cpbatch.application.bot.settings import TELEGRAM_MAX_UPLOAD_BYTES, BotPolicy
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import FileRecord, StoredFile
from support.bot.demo import ALICE_TOKEN, BOB_TOKEN, demo_gateway
from support.bot.world import ALICE, BOB, BotWorld, default_policy

GIB = 1024**3
MIB = 1024**2
HUGE = 2 * GIB + 10
VIRTUAL_SHA = "0" * 64


class VirtualZeroBlobStore:
    """A blob store holding one virtual blob of `size` zero bytes, served chunk by chunk from
    one shared buffer: never in memory as a whole."""

    name = "filesystem"

    def __init__(self, size: int, chunk: int = 64 * MIB) -> None:
        self.size = size
        self._zeros = bytes(chunk)
        self.reads = 0

    async def put(self, chunks: AsyncIterable[bytes]) -> StoredFile:
        raise AssertionError("nothing is downloaded in this test")

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        assert sha256 == VIRTUAL_SHA
        self.reads += 1
        left = self.size
        while left:
            piece = self._zeros if left >= len(self._zeros) else self._zeros[:left]
            left -= len(piece)
            yield piece

    async def stat(self, sha256: str) -> int | None:
        return self.size if sha256 == VIRTUAL_SHA else None

    async def delete(self, sha256: str) -> None:
        pass

    async def export(self, sha256: str, destination: Path) -> None:
        raise AssertionError("a file this big is split, never exported whole")

    async def digests(self) -> AsyncIterator[str]:
        yield VIRTUAL_SHA


def huge_world(tmp_path: Path) -> BotWorld:
    """Alice's Maths batch lists 'lecture-notes.pdf' of 2 GiB + 10 bytes, already stored."""
    gateway = demo_gateway()
    file = gateway.add_file(gateway.batches[1], 300, "lecture-notes.pdf", b"placeholder")
    gateway.files[300] = file = dataclasses.replace(file, size=HUGE)
    world = BotWorld(tmp_path, gateway=gateway, tiers=[VirtualZeroBlobStore(HUGE)])  # type: ignore[list-item]
    world.app.repository.file_records[file.record_key] = FileRecord(
        file.record_key, 300, "v1", VIRTUAL_SHA, HUGE, file.name, datetime.now(UTC)
    )
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(BOB, "demo", BOB_TOKEN)
    return world


async def test_a_file_over_2_gb_arrives_in_numbered_parts_with_a_join_note(
    tmp_path: Path,
) -> None:
    world = huge_world(tmp_path)
    assert world.policy.max_part_size == TELEGRAM_MAX_UPLOAD_BYTES == 2000 * MIB

    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "lecture-notes")
    await world.settle()

    first, second = world.chat.documents[ALICE]
    assert (first.file_name, second.file_name) == ("lecture-notes.pdf.001", "lecture-notes.pdf.002")
    assert (first.size, second.size) == (2000 * MIB, HUGE - 2000 * MIB)
    assert first.size + second.size == HUGE
    assert first.caption.startswith("📄 lecture-notes.pdf — part 1 of 2 (2.0 GiB)")
    assert "part 2 of 2" in second.caption
    note = world.texts(ALICE)[-1]
    assert "cat lecture-notes.pdf.0* > lecture-notes.pdf" in note
    assert "copy /b lecture-notes.pdf.001+lecture-notes.pdf.002 lecture-notes.pdf" in note
    assert world.texts(ALICE)[-2] == delivery_texts.sent("lecture-notes.pdf", HUGE, 2, True)
    assert not list(world.work_dir.rglob("*"))  # part files removed
    assert world.gateway.total_opens == 0


async def test_the_parts_are_later_resent_by_id_to_any_entitled_user(tmp_path: Path) -> None:
    world = huge_world(tmp_path)
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "lecture-notes")
    await world.settle()
    uploaded = world.chat.uploaded_bytes

    await world.say(BOB, "/getbatches demo")
    await world.press(BOB, "Maths")
    await world.press(BOB, "lecture-notes")
    await world.settle()

    assert [d.by_remote_id for d in world.chat.documents[BOB]] == [True, True]
    assert world.chat.uploaded_bytes == uploaded
    assert "cat lecture-notes.pdf.0*" in world.texts(BOB)[-1]


@pytest.fixture
def small_parts_world(tmp_path: Path) -> BotWorld:
    world = BotWorld(tmp_path, gateway=demo_gateway(), policy=default_policy(max_part_size=10))
    world.gateway.add_file(
        world.gateway.batches[1], 301, "my notes.pdf", b"0123456789abcdefghijKLMNO"
    )
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world


async def send_my_notes(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "my notes")
    await world.settle()


async def test_parts_hold_the_file_in_order(small_parts_world: BotWorld) -> None:
    world = small_parts_world
    await send_my_notes(world)

    documents = world.chat.documents[ALICE]
    assert [d.file_name for d in documents] == [
        "my notes.pdf.001",
        "my notes.pdf.002",
        "my notes.pdf.003",
    ]
    assert [d.content for d in documents] == [b"0123456789", b"abcdefghij", b"KLMNO"]
    note = world.texts(ALICE)[-1]
    assert "cat 'my notes.pdf'.0* > 'my notes.pdf'" in note
    assert 'copy /b "my notes.pdf.001"+"my notes.pdf.002"+"my notes.pdf.003" "my notes.pdf"' in note


async def test_only_parts_without_a_known_id_are_uploaded_again(
    small_parts_world: BotWorld,
) -> None:
    world = small_parts_world
    await send_my_notes(world)
    sha = next(iter(world.remote_ids.ids))[0]
    del world.remote_ids.ids[(sha, 2)]
    uploads = world.chat.uploads

    await send_my_notes(world)

    resent = world.chat.documents[ALICE][3:]
    assert [d.by_remote_id for d in resent] == [True, False, True]
    assert resent[1].content == b"abcdefghij"
    assert world.chat.uploads == uploads + 1


async def chunks_of(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("chunk", [1, 3, 10, 64])
async def test_splitting_cuts_at_exact_boundaries_whatever_the_chunk_size(
    tmp_path: Path, chunk: int
) -> None:
    data = bytes(range(40))
    seen = []
    async for part in split_into_parts(chunks_of(data, chunk), 40, 10, tmp_path, "f.bin"):
        seen.append((part.number, part.count, part.name, part.path.read_bytes()))

    assert seen == [(n, 4, f"f.bin.{n:03d}", data[(n - 1) * 10 : n * 10]) for n in range(1, 5)]
    assert not list(tmp_path.iterdir())  # each part deleted once the next is asked for


async def test_zero_runs_become_holes_but_read_back_as_zeros(tmp_path: Path) -> None:
    data = b"head" + bytes(20) + b"tail" + bytes(12)
    async for part in split_into_parts(chunks_of(data, 4), 40, 100, tmp_path, "f.bin"):
        assert part.path.read_bytes() == data
        assert part.size == 40


async def test_a_stored_copy_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        async for _ in split_into_parts(chunks_of(b"short", 2), 9, 4, tmp_path, "f.bin"):
            pass
    with pytest.raises(StorageError):
        async for _ in split_into_parts(chunks_of(b"too long!", 2), 5, 4, tmp_path, "f.bin"):
            pass


def test_the_part_size_cannot_exceed_telegrams_limit() -> None:
    with pytest.raises(ValueError, match="upload limit"):
        BotPolicy(max_part_size=2 * GIB)
