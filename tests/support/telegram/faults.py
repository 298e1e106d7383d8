"""What the fake data centre does instead of answering: an RPC error, a dropped connection,
or a held answer. Scripted per function type, consumed in order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pyrogram import raw


@dataclass(frozen=True)
class RpcFailure:
    code: int
    message: str

    def as_tl(self) -> raw.types.RpcError:
        return raw.types.RpcError(error_code=self.code, error_message=self.message)


def flood_wait(seconds: int) -> RpcFailure:
    return RpcFailure(420, f"FLOOD_WAIT_{seconds}")


INTERNAL = RpcFailure(500, "INTERNAL_SERVER_ERROR")


@dataclass(frozen=True)
class DropConnection:
    """Close the TCP connection on receipt, leaving the request unanswered."""


@dataclass
class Hold:
    """Answer only once `release` is set; `reached` is set when the request arrives."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


Fault = RpcFailure | DropConnection | Hold | raw.core.TLObject  # a TL object: answer this
