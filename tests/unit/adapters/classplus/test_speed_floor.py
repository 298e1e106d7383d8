"""The speed floor on its own, fed by hand: a host too slow for a whole window is cut off;
time cpbatch itself spends busy between two reads is never held against the host."""

from __future__ import annotations

import asyncio
from unittest.mock import Mock

import aiohttp
import pytest

from cpbatch.adapters.classplus.speed_floor import SpeedFloor, TransferTooSlow

WINDOW_S = 0.05


def stream() -> aiohttp.StreamReader:
    return aiohttp.StreamReader(Mock(), 2**16, loop=asyncio.get_running_loop())


async def read_all(floor: SpeedFloor, *, busy_s: float = 0.0) -> bytes:
    parts = []
    async for chunk in floor.chunks(1024):
        parts.append(chunk)
        await asyncio.sleep(busy_s)  # cpbatch writing to a slow disk, say
    return b"".join(parts)


async def test_a_host_sending_less_than_the_floor_for_a_window_is_cut_off() -> None:
    content = stream()
    content.feed_data(b"x")  # one byte, then nothing: far below 1000 B/s
    with pytest.raises(TransferTooSlow, match=r"too slow: under 1000 B/s for 0\.05 s"):
        await read_all(SpeedFloor(content, 1000, WINDOW_S))


async def test_windows_cpbatch_spent_busy_are_not_held_against_the_host() -> None:
    content = stream()
    content.feed_data(b"y" * 10)
    content.feed_eof()
    # Four windows pass while the consumer is busy, with 10 bytes of the 50 needed each.
    data = await read_all(SpeedFloor(content, 1000, WINDOW_S), busy_s=4 * WINDOW_S)
    assert data == b"y" * 10


async def test_a_floor_of_zero_is_off() -> None:
    content = stream()
    floor = SpeedFloor(content, 0, WINDOW_S)
    reading = asyncio.ensure_future(read_all(floor))
    await asyncio.sleep(4 * WINDOW_S)
    assert not reading.done()  # still waiting for the host, not cut off
    content.feed_data(b"z")
    content.feed_eof()
    assert await reading == b"z"
