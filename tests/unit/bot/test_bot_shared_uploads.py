"""SharedUploads: the same bytes (sha256, part) are uploaded once however many sends want them
at the same moment; the others wait and send the chat service's id. A cancelled or failed
upload lets a waiting send upload the bytes itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from cpbatch.application.bot.shared_uploads import SharedUploads
from cpbatch.domain.errors import DeliveryError
from support.fakes import InMemoryRemoteFileIds

SHA = "a" * 64


async def until(condition: Callable[[], bool]) -> None:
    """Let other tasks run until `condition` holds (a bounded number of loop turns)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition was never reached")


class Chat:
    """What one recipient's send does: uploads are counted and may be held or failed."""

    def __init__(self, service: Service, name: str) -> None:
        self.service = service
        self.name = name
        self.by_id: list[str] = []  # ids this recipient got the bytes by

    async def send_by_id(self, remote_id: str) -> None:
        await asyncio.sleep(0)
        if remote_id in self.service.refused:
            raise DeliveryError("Telegram does not know that file id.")
        self.by_id.append(remote_id)

    async def upload(self) -> str:
        service = self.service
        service.started.append(self.name)
        await service.gate.wait()
        if self.name in service.failing:
            raise DeliveryError("Telegram refused the upload.")
        service.uploads.append(self.name)
        return f"id-from-{self.name}"


class Service:
    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started: list[str] = []  # uploads begun, in order
        self.uploads: list[str] = []  # uploads finished
        self.failing: set[str] = set()
        self.refused: set[str] = set()


def deliver(shared: SharedUploads, chat: Chat, part: int = 0) -> Awaitable[bool]:
    return shared.deliver(SHA, part, chat.send_by_id, chat.upload)


@pytest.fixture
def ids() -> InMemoryRemoteFileIds:
    return InMemoryRemoteFileIds()


async def test_two_sends_at_once_make_one_upload_and_the_second_gets_its_id(
    ids: InMemoryRemoteFileIds,
) -> None:
    shared, service = SharedUploads(ids), Service()
    alice, bob = Chat(service, "alice"), Chat(service, "bob")

    first = asyncio.create_task(deliver(shared, alice))
    await until(lambda: service.started == ["alice"])
    second = asyncio.create_task(deliver(shared, bob))
    await until(lambda: shared.waiting == 1)
    service.gate.set()

    assert await first is True  # uploaded
    assert await second is False  # sent by id
    assert service.uploads == ["alice"]
    assert bob.by_id == ["id-from-alice"]
    assert ids.ids == {(SHA, 0): "id-from-alice"}


async def test_parts_of_the_same_bytes_are_independent(ids: InMemoryRemoteFileIds) -> None:
    shared, service = SharedUploads(ids), Service()
    service.gate.set()
    alice, bob = Chat(service, "alice"), Chat(service, "bob")

    results = await asyncio.gather(deliver(shared, alice, 1), deliver(shared, bob, 2))

    assert results == [True, True]
    assert set(ids.ids) == {(SHA, 1), (SHA, 2)}


async def test_when_the_first_upload_is_cancelled_the_waiting_send_uploads_itself(
    ids: InMemoryRemoteFileIds,
) -> None:
    shared, service = SharedUploads(ids), Service()
    alice, bob = Chat(service, "alice"), Chat(service, "bob")
    first = asyncio.create_task(deliver(shared, alice))
    await until(lambda: service.started == ["alice"])
    second = asyncio.create_task(deliver(shared, bob))
    await until(lambda: shared.waiting == 1)

    first.cancel()
    await until(lambda: service.started == ["alice", "bob"])
    service.gate.set()

    assert await second is True
    assert first.cancelled()
    assert service.uploads == ["bob"]
    assert ids.ids == {(SHA, 0): "id-from-bob"}


async def test_when_the_first_upload_fails_the_waiting_send_uploads_itself(
    ids: InMemoryRemoteFileIds,
) -> None:
    shared, service = SharedUploads(ids), Service()
    service.failing.add("alice")
    alice, bob = Chat(service, "alice"), Chat(service, "bob")
    first = asyncio.create_task(deliver(shared, alice))
    await until(lambda: service.started == ["alice"])
    second = asyncio.create_task(deliver(shared, bob))
    await until(lambda: shared.waiting == 1)

    service.gate.set()

    with pytest.raises(DeliveryError):
        await first
    assert await second is True
    assert service.started == ["alice", "bob"]
    assert ids.ids == {(SHA, 0): "id-from-bob"}


async def test_a_cancelled_waiter_does_not_disturb_the_upload_it_waited_for(
    ids: InMemoryRemoteFileIds,
) -> None:
    shared, service = SharedUploads(ids), Service()
    alice, bob = Chat(service, "alice"), Chat(service, "bob")
    first = asyncio.create_task(deliver(shared, alice))
    await until(lambda: service.started == ["alice"])
    second = asyncio.create_task(deliver(shared, bob))
    await until(lambda: shared.waiting == 1)

    second.cancel()
    await until(lambda: shared.waiting == 0)
    service.gate.set()

    assert await first is True
    assert second.cancelled()
    assert service.uploads == ["alice"]


async def test_a_remembered_id_is_sent_without_uploading(ids: InMemoryRemoteFileIds) -> None:
    await ids.save_remote_file_id(SHA, "remembered", 0)
    shared, service = SharedUploads(ids), Service()
    alice = Chat(service, "alice")

    assert await deliver(shared, alice) is False
    assert alice.by_id == ["remembered"]
    assert service.started == []


async def test_a_remembered_id_the_chat_refuses_is_replaced_by_an_upload(
    ids: InMemoryRemoteFileIds,
) -> None:
    await ids.save_remote_file_id(SHA, "forgotten", 0)
    shared, service = SharedUploads(ids), Service()
    service.refused.add("forgotten")
    service.gate.set()
    alice = Chat(service, "alice")

    assert await deliver(shared, alice) is True
    assert ids.ids == {(SHA, 0): "id-from-alice"}
