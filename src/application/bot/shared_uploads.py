"""The same bytes are uploaded to the chat service once, however many sends want them at the
same moment: the first send of a (sha256, part) uploads, the others wait for it and send the id
it got. Only bytes are shared here: each send has checked its own user's entitlement already."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import RemoteFileIdRepository
from cpbatch.domain.errors import DeliveryError

log = get_logger(__name__)

# Sends the bytes by the chat service's id for them; raises DeliveryError when it is refused.
SendById = Callable[[str], Awaitable[None]]
# Uploads the bytes; returns the chat service's new id for them.
UploadBytes = Callable[[], Awaitable[str]]


@dataclass(eq=False)
class _Flight:
    """One send's turn at a (sha256, part): others wait until it has landed."""

    landed: asyncio.Event = field(default_factory=asyncio.Event)
    remote_id: str | None = None  # None when it landed without an id (failed, cancelled)
    waiting: int = 0


class SharedUploads:
    def __init__(self, remote_ids: RemoteFileIdRepository) -> None:
        self._remote_ids = remote_ids
        self._flights: dict[tuple[str, int], _Flight] = {}

    @property
    def waiting(self) -> int:
        """How many sends are waiting for another send's upload of the same bytes."""
        return sum(flight.waiting for flight in self._flights.values())

    async def deliver(
        self, sha256: str, part: int, send_by_id: SendById, upload: UploadBytes
    ) -> bool:
        """Get these bytes to one recipient: by the id remembered for them, by the id a
        concurrent upload gets, or by uploading them (then the id is remembered). Returns True
        when this call uploaded. Raises what `upload` raises; an id the chat service refuses
        leads to an upload instead. When the send that has the turn fails or is cancelled, a
        waiting send takes the turn: it never waits for an upload that is not happening."""
        key = (sha256, part)
        while (flight := self._flights.get(key)) is not None:
            flight.waiting += 1
            try:
                await flight.landed.wait()  # a cancelled waiter leaves the flight untouched
            finally:
                flight.waiting -= 1
            if flight.remote_id is not None and await _sent(send_by_id, flight.remote_id, key):
                return False
        # No await between the look-up above and taking the turn: no other send can slip in.
        self._flights[key] = flight = _Flight()
        try:
            remembered = await self._remote_ids.load_remote_file_id(sha256, part)
            if remembered is not None and await _sent(send_by_id, remembered, key):
                flight.remote_id = remembered
                return False
            flight.remote_id = await upload()
            await self._remote_ids.save_remote_file_id(sha256, flight.remote_id, part)
            return True
        finally:
            del self._flights[key]
            flight.landed.set()


async def _sent(send_by_id: SendById, remote_id: str, key: tuple[str, int]) -> bool:
    try:
        await send_by_id(remote_id)
    except DeliveryError:  # e.g. an id the chat service no longer knows: upload again
        log.warning("bot_remote_id_rejected", sha256=key[0], part=key[1])
        return False
    return True
