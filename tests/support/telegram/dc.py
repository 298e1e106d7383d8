"""A fake Telegram data centre on a loopback socket. pyrogram connects to it with its own
Connection, TCPAbridged transport, Session and MTProto encryption, exactly as to Telegram:
only the far end is ours. Requests are decoded into pyrogram's raw TL objects and answered by
`Answers`, or by a fault scripted in the world; updates (a person typing, a button pressed)
are pushed to the bot's main session as Telegram pushes them."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from pyrogram import raw
from pyrogram.raw.core import MsgContainer, TLObject

from support.telegram.answers import Answers
from support.telegram.faults import DropConnection, Hold, RpcFailure
from support.telegram.wire import (
    ABRIDGED_TAG,
    MessageIds,
    ServerCrypto,
    frame,
    read_frame,
    rpc_result,
    serialized,
)
from support.telegram.world import TelegramWorld

_WRAPPERS = (
    raw.functions.InvokeWithLayer,
    raw.functions.InitConnection,
    raw.functions.InvokeWithoutUpdates,
)


class _Link:
    """One client connection: a pyrogram Session (main or media) on the other end."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.session_id = b""
        self.gets_updates = False  # set once it asks updates.GetState: the main session
        self.lock = asyncio.Lock()
        self.content_sent = 0

    async def send(self, crypto: ServerCrypto, ids: MessageIds, body: bytes, *, answer: bool):
        async with self.lock:
            seq_no = self.content_sent * 2 + 1
            self.content_sent += 1
            payload = crypto.encrypt(self.session_id, ids.next(answer=answer), seq_no, body)
            self.writer.write(frame(payload))
            await self.writer.drain()

    def close(self) -> None:
        self.writer.close()


class FakeTelegramDC:
    def __init__(self, world: TelegramWorld | None = None) -> None:
        self.world = world or TelegramWorld()
        self.auth_key = os.urandom(256)
        self._crypto = ServerCrypto(self.auth_key)
        self._ids = MessageIds()
        self._links: list[_Link] = []
        self._tasks: set[asyncio.Task[None]] = set()  # requests being answered
        self._serving: set[asyncio.Task[object]] = set()  # one per connection
        self._server: asyncio.Server | None = None
        self.port = 0
        self.answers = Answers(self.world, 0)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self.answers.port = self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in self._links:
            link.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*self._serving, return_exceptions=True)  # they see EOF and end
        if self._server is not None:
            await self._server.wait_closed()

    async def push(self, updates: raw.types.Updates) -> None:
        """Deliver updates to every main session, as Telegram does."""
        body = updates.write()
        targets = [link for link in self._links if link.gets_updates]
        if not targets:
            raise AssertionError("no main session is connected to receive updates")
        for link in targets:
            await link.send(self._crypto, self._ids, body, answer=False)

    def connections(self) -> int:
        return len(self._links)

    # --- serving ---------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(writer)
        self._links.append(link)
        serving = asyncio.current_task()
        assert serving is not None
        self._serving.add(serving)
        try:
            if await reader.readexactly(1) != ABRIDGED_TAG:
                return  # pyrogram's default transport always opens with this tag
            while True:
                received = self._crypto.decrypt(await read_frame(reader))
                link.session_id = received.session_id
                body = received.message.body
                messages = body.messages if isinstance(body, MsgContainer) else [received.message]
                for message in messages:
                    self._spawn(self._handle(link, message.msg_id, message.body))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._links.remove(link)
            self._serving.discard(serving)
            writer.close()

    def _spawn(self, coroutine: object) -> None:
        task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, link: _Link, msg_id: int, body: TLObject) -> None:
        if isinstance(body, raw.types.MsgsAck):
            return
        if isinstance(body, raw.functions.Ping | raw.functions.PingDelayDisconnect):
            pong = raw.types.Pong(msg_id=msg_id, ping_id=body.ping_id)
            await link.send(self._crypto, self._ids, pong.write(), answer=True)
            return
        query = body
        while isinstance(query, _WRAPPERS):
            query = query.query
        if isinstance(query, raw.functions.updates.GetState):
            link.gets_updates = True
        self.world.calls.append(query)
        fault = self.world.next_fault(query)
        if isinstance(fault, DropConnection):
            link.close()
            return
        if isinstance(fault, Hold):
            fault.reached.set()
            await fault.release.wait()
        if isinstance(fault, RpcFailure):
            answer: object = fault.as_tl()
        elif isinstance(fault, TLObject):
            answer = fault
        else:
            answer = self.answers(query)
        if isinstance(answer, RpcFailure):
            answer = answer.as_tl()
        with contextlib.suppress(ConnectionError, RuntimeError):
            await link.send(
                self._crypto, self._ids, rpc_result(msg_id, serialized(answer)), answer=True
            )


@contextlib.asynccontextmanager
async def running_dc(world: TelegramWorld | None = None) -> AsyncIterator[FakeTelegramDC]:
    dc = FakeTelegramDC(world)
    await dc.start()
    try:
        yield dc
    finally:
        await dc.close()
