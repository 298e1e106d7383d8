"""The minimum speed of a file body, like curl's --speed-limit and --speed-time.

`read_timeout_s` alone bounds the wait for one chunk, so a host sending one byte just inside
it keeps a transfer (and its download slot) alive for ever. Here each body is read in windows
of `min_speed_time_s`: a window that ends with fewer than `min_speed_bytes_s * min_speed_time_s`
bytes received, while cpbatch was waiting for the host, breaks the transfer with
`TransferTooSlow`. That is a break like a reset: resumed with Range under the retry budget,
then the file fails and its slot is freed.

One timer per window, never one per read: a fast body pays nothing. A window in which cpbatch
itself was busy (writing to a slow disk, say) when it ended is not held against the host: TCP
then holds the host back, and the window simply starts again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import aiohttp

from cpbatch.domain.sizes import format_bytes


class TransferTooSlow(Exception):
    """A body slower than the floor for a whole window. Carries no URL."""


class SpeedFloor:
    """Watches one response body (`response.content`); `chunks()` yields it and raises
    TransferTooSlow."""

    def __init__(
        self, content: aiohttp.StreamReader, min_bytes_per_s: int, window_s: float
    ) -> None:
        self._content = content
        self._need = min_bytes_per_s * window_s
        self._min_bytes_per_s = min_bytes_per_s
        self._window_s = window_s
        self._received = 0  # in the current window
        self._waiting = False  # for the host, rather than for our own consumer
        self._timer: asyncio.TimerHandle | None = None

    async def chunks(self, chunk_size: int) -> AsyncGenerator[bytes, None]:
        """The body in chunks of at most `chunk_size` bytes, until its end."""
        if self._need > 0:
            self._arm()
        try:
            while True:
                self._waiting = True
                try:
                    data = await self._content.read(chunk_size)
                finally:
                    self._waiting = False
                if not data:
                    return
                self._received += len(data)
                yield data
        finally:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _arm(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._window_s, self._window_ended)

    def _window_ended(self) -> None:
        if self._received >= self._need or not self._waiting:
            self._received = 0
            self._arm()
            return
        self._timer = None
        # Wakes the pending read with this error; the stream is dropped after it anyway.
        self._content.set_exception(
            TransferTooSlow(
                f"too slow: under {format_bytes(self._min_bytes_per_s)}/s for "
                f"{self._window_s:g} s, see MIN_SPEED"
            )
        )
