"""/cancel stops a running job wherever it is: no partial blob, no document, no temporary
files, and the job's progress message says it was cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from cpbatch.application.bot import texts
from cpbatch.domain.models import BatchFile
from support.bot.demo import ALICE_TOKEN, demo_gateway
from support.bot.world import ALICE, BotWorld
from support.fakes import FakeClassPlus, FakeFileStream


class PausingClassPlus(FakeClassPlus):
    """Serves the first chunk of every file, then waits for `resume` (which never comes unless
    a test sets it); `paused` tells the test the download is mid-way."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = asyncio.Event()
        self.resume = asyncio.Event()

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[FakeFileStream]:
        return self._pausing(super().open_file(file, start=start))

    @asynccontextmanager
    async def _pausing(
        self, opened: AbstractAsyncContextManager[FakeFileStream]
    ) -> AsyncIterator[FakeFileStream]:
        async with opened as stream:
            original = stream.chunks

            async def chunks() -> AsyncIterator[bytes]:
                async for index, chunk in _enumerate(original()):
                    if index == 1:
                        self.paused.set()
                        await self.resume.wait()
                    yield chunk

            stream.chunks = chunks  # type: ignore[method-assign]
            yield stream


async def _enumerate(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[int, bytes]]:
    index = 0
    async for chunk in chunks:
        yield index, chunk
        index += 1


def pausing_world(tmp_path: Path) -> tuple[BotWorld, PausingClassPlus]:
    gateway = PausingClassPlus()
    template = demo_gateway()
    gateway.orgs, gateway.batches = template.orgs, template.batches
    gateway.files, gateway.content, gateway.grants = (
        template.files,
        template.content,
        template.grants,
    )
    world = BotWorld(tmp_path, gateway=gateway)
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    return world, gateway


async def start_algebra(world: BotWorld) -> None:
    await world.say(ALICE, "/getbatches demo")
    await world.press(ALICE, "Maths")
    await world.press(ALICE, "algebra")


async def test_cancel_during_download_leaves_no_partial_blob(tmp_path: Path) -> None:
    world, gateway = pausing_world(tmp_path)
    await start_algebra(world)
    await asyncio.wait_for(gateway.paused.wait(), timeout=5)
    progress_id = world.last(ALICE).message_id
    assert world.last(ALICE).text == texts.preparing("algebra.pdf")

    await world.say(ALICE, "/cancel")

    assert world.chat.messages[ALICE][progress_id].text == texts.CANCELLED
    assert world.texts(ALICE)[-1] == texts.CANCELLED_JOB
    assert world.app.store.blobs == {}  # nothing half-stored
    assert world.app.repository.file_records == {}
    assert world.chat.documents[ALICE] == []
    assert gateway.open_now == 0  # the upstream transfer was closed


async def test_after_a_cancel_the_same_file_can_be_fetched_again(tmp_path: Path) -> None:
    world, gateway = pausing_world(tmp_path)
    await start_algebra(world)
    await asyncio.wait_for(gateway.paused.wait(), timeout=5)
    await world.say(ALICE, "/cancel")
    gateway.resume.set()

    await world.press(ALICE, "algebra")
    await world.settle()

    [document] = world.chat.documents[ALICE]
    assert document.content == b"x + y = z"


async def test_cancel_during_upload_stops_it_and_cleans_up(world: BotWorld) -> None:
    world.chat.upload_gate = asyncio.Event()  # uploads hang until cancelled
    await start_algebra(world)
    await asyncio.wait_for(world.chat.upload_started.wait(), timeout=5)
    progress_id = world.last(ALICE).message_id
    assert list(world.work_dir.rglob("*.pdf"))  # the temporary copy exists while uploading

    await world.say(ALICE, "/cancel")

    assert world.chat.messages[ALICE][progress_id].text == texts.CANCELLED
    assert world.chat.documents[ALICE] == []
    assert world.chat.uploading_now == 0
    assert world.remote_ids.ids == {}  # nothing remembered for an upload that did not finish
    assert not list(world.work_dir.rglob("*"))  # temporary files removed


async def test_cancel_while_waiting_for_a_free_slot(tmp_path: Path) -> None:
    from support.bot.demo import BOB_TOKEN
    from support.bot.world import BOB, default_policy

    world = BotWorld(tmp_path, gateway=demo_gateway(), policy=default_policy(max_jobs=1))
    world.log_in(ALICE, "demo", ALICE_TOKEN)
    world.log_in(BOB, "demo", BOB_TOKEN)
    world.chat.upload_gate = asyncio.Event()
    await start_algebra(world)
    await asyncio.wait_for(world.chat.upload_started.wait(), timeout=5)
    await world.say(BOB, "/getbatches demo")
    await world.press(BOB, "Maths")
    await world.press(BOB, "algebra")
    for _ in range(5):
        await asyncio.sleep(0)
    waiting = world.last(BOB)
    assert "Waiting for a free slot" in waiting.text

    await world.say(BOB, "/cancel")
    world.chat.upload_gate.set()
    await world.settle()

    assert world.chat.messages[BOB][waiting.message_id].text == texts.CANCELLED
    assert world.chat.documents[BOB] == []
    assert len(world.chat.documents[ALICE]) == 1


async def test_closing_the_bot_stops_jobs_and_clears_only_its_scratch_folders(
    world: BotWorld,
) -> None:
    leftover = world.work_dir / "0123456789abcdef"
    leftover.mkdir(parents=True)
    (leftover / "half.pdf").write_bytes(b"half")
    (world.work_dir / "keep.txt").write_text("not ours")
    world.chat.upload_gate = asyncio.Event()
    await start_algebra(world)
    await asyncio.wait_for(world.chat.upload_started.wait(), timeout=5)

    await world.bot.close()

    assert world.last(ALICE).text == texts.CANCELLED
    assert sorted(p.name for p in world.work_dir.iterdir()) == ["keep.txt"]
