"""The server's half of MTProto 2.0 for a fake Telegram data centre: abridged TCP framing and
the message encryption, mirror images of pyrogram's `TCPAbridged` and `crypto.mtproto`.

Both ends share one auth key, seeded into the bot's session file beforehand, so no key
exchange is needed. Everything else is as on the real wire: each message is AES-IGE encrypted
with keys derived from its msg_key, and pyrogram checks the msg_key, the session id, the
padding and the msg_id of everything it receives.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from hashlib import sha1, sha256
from io import BytesIO

from pyrogram.crypto import aes, mtproto
from pyrogram.raw.core import Int, Long, Message, TLObject

ABRIDGED_TAG = b"\xef"


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """One abridged frame: a length in 4-byte words (one byte, or 0x7f and three), then data."""
    head = await reader.readexactly(1)
    words = head[0]
    if words == 0x7F:
        words = int.from_bytes(await reader.readexactly(3), "little")
    return await reader.readexactly(words * 4)


def frame(payload: bytes) -> bytes:
    words = len(payload) // 4
    head = bytes([words]) if words <= 126 else b"\x7f" + words.to_bytes(3, "little")
    return head + payload


@dataclass(frozen=True)
class Received:
    session_id: bytes
    message: Message


class MessageIds:
    """Server msg_ids: time-based, strictly increasing across every connection, 1 mod 4 for
    answers and 3 mod 4 for messages the server sends on its own (as MTProto requires)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, *, answer: bool) -> int:
        candidate = int(time.time() * 2**32) & ~0b11
        candidate = max(candidate, (self._last & ~0b11) + 4)
        self._last = candidate | (0b01 if answer else 0b11)
        return self._last


class ServerCrypto:
    def __init__(self, auth_key: bytes) -> None:
        if len(auth_key) != 256:
            raise ValueError("an MTProto auth key is 256 bytes")
        self.auth_key = auth_key
        self.auth_key_id = sha1(auth_key).digest()[-8:]
        self.salt = int.from_bytes(os.urandom(8), "little", signed=True)

    def decrypt(self, payload: bytes) -> Received:
        if payload[:8] != self.auth_key_id:
            raise ConnectionError("a message under an unknown auth key")
        msg_key = payload[8:24]
        aes_key, aes_iv = mtproto.kdf(self.auth_key, msg_key, True)
        plain = aes.ige256_decrypt(payload[24:], aes_key, aes_iv)
        if sha256(self.auth_key[88:120] + plain).digest()[8:24] != msg_key:
            raise ConnectionError("msg_key mismatch: the client encrypted with another key")
        data = BytesIO(plain)
        data.read(8)  # the salt; any is accepted
        session_id = data.read(8)
        return Received(session_id, Message.read(data))

    def encrypt(self, session_id: bytes, msg_id: int, seq_no: int, body: bytes) -> bytes:
        data = Long(self.salt) + session_id + Long(msg_id) + Int(seq_no) + Int(len(body)) + body
        padding = os.urandom(-(len(data) + 12) % 16 + 12)
        msg_key = sha256(self.auth_key[96:128] + data + padding).digest()[8:24]
        aes_key, aes_iv = mtproto.kdf(self.auth_key, msg_key, False)
        return self.auth_key_id + msg_key + aes.ige256_encrypt(data + padding, aes_key, aes_iv)


def rpc_result(req_msg_id: int, result: bytes) -> bytes:
    """rpc_result#f35c6d01 req_msg_id:long result:Object (written by hand: `result` may be a
    bare Bool or Vector, which pyrogram's RpcResult cannot write)."""
    return Int(0xF35C6D01, False) + Long(req_msg_id) + result


def serialized(value: TLObject | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.write()
