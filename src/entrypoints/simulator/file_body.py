"""Streaming a file body in chunks, with the mid-body faults: reset, truncate, stall, trickle."""

from __future__ import annotations

import asyncio
import socket
import struct

from aiohttp import web

from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.faults import FaultPlan
from cpbatch.entrypoints.simulator.stats import SimulatorStats
from cpbatch.entrypoints.simulator.world import Document

_FLUSH_TIMEOUT_S = 2.0


async def _flush(request: web.Request) -> None:
    """Let already-written bytes reach the client before the connection is cut."""
    transport = request.transport
    deadline = asyncio.get_running_loop().time() + _FLUSH_TIMEOUT_S
    while transport is not None and not transport.is_closing():
        if transport.get_write_buffer_size() == 0:
            return
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.005)


def _reset_connection(request: web.Request) -> None:
    """Abort with an RST (SO_LINGER 0), as a dying proxy does; the client sees a reset."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class FileBodyWriter:
    """Writes bytes `[start, stop)` of a document to a prepared response."""

    def __init__(self, content: ContentSource, stats: SimulatorStats) -> None:
        self._content = content
        self._stats = stats

    async def _write(
        self, response: web.StreamResponse, doc: Document, start: int, stop: int
    ) -> None:
        for piece in self._content.iter_range(doc, start, stop):
            await response.write(piece)
            self._stats.file_bytes_sent += len(piece)

    async def _trickle(
        self, response: web.StreamResponse, doc: Document, window: tuple[int, int], every_s: float
    ) -> None:
        """One byte every `every_s` seconds until the end (or until the client gives up)."""
        for position in range(*window):
            await asyncio.sleep(every_s)
            await self._write(response, doc, position, position + 1)
        await response.write_eof()

    async def send(
        self,
        request: web.Request,
        response: web.StreamResponse,
        doc: Document,
        window: tuple[int, int],
        plan: FaultPlan,
    ) -> None:
        start, stop = window
        fault = plan.body_fault if stop - start >= 2 else None
        cut = start + max(1, int((stop - start) * plan.cut_fraction)) if fault else stop
        try:
            await self._write(response, doc, start, cut)
            if fault == "reset":
                await _flush(request)
                _reset_connection(request)
                return
            if fault == "truncate":
                await _flush(request)
                if request.transport is not None:
                    request.transport.close()  # a clean FIN, short of Content-Length
                return
            if fault == "stall":
                await asyncio.sleep(plan.stall_s)
            if fault == "trickle":
                await self._trickle(response, doc, (cut, stop), plan.trickle_s)
                return
            await self._write(response, doc, cut, stop)
            await response.write_eof()
        except ConnectionError:
            return  # the client went away; nothing left to tell it
