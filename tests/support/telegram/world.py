"""The state of a fake Telegram as one bot sees it: people, the private chats, uploaded
files and documents, and the button presses the bot has answered. The data centre feeds it
decoded requests; tests read what the bot did from here, never from the bot's own objects."""

from __future__ import annotations

import hashlib
import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from pyrogram import raw

from support.telegram.faults import Fault

BOT_ID = 5_000_001


@dataclass
class Upload:
    parts: dict[int, bytes] = field(default_factory=dict)

    def joined(self, count: int) -> bytes | None:
        if any(part not in self.parts for part in range(count)):
            return None
        return b"".join(self.parts[part] for part in range(count))


@dataclass(frozen=True)
class StoredDocument:
    document: raw.types.Document
    sha256: str
    file_name: str


@dataclass(frozen=True)
class SentDocument:
    """A document as a person receives it."""

    chat_id: int
    message_id: int
    sha256: str
    file_name: str
    caption: str
    uploaded: bool  # False when sent by a file id Telegram already had


def now() -> int:
    return int(time.time())


class TelegramWorld:
    def __init__(self) -> None:
        self.bot = raw.types.User(
            id=BOT_ID,
            is_self=True,
            bot=True,
            access_hash=random.getrandbits(63),
            first_name="cpbatch",
            username="cpbatch_test_bot",
        )
        self.people: dict[int, raw.types.User] = {}
        self.messages: dict[int, raw.types.Message] = {}  # by id, in the bot's own numbering
        self.deleted: list[tuple[int, int]] = []  # (chat id, message id)
        self.documents: dict[int, StoredDocument] = {}
        self.uploads: defaultdict[int, Upload] = defaultdict(Upload)
        self.received: list[SentDocument] = []
        self.callback_answers: dict[int, raw.functions.messages.SetBotCallbackAnswer] = {}
        self.open_queries: set[int] = set()
        self.calls: list[object] = []  # every decoded request, in arrival order
        self.unknown: list[str] = []  # functions this fake does not implement
        self.faults: defaultdict[type, list[Fault]] = defaultdict(list)
        self._message_ids = itertools.count(1)
        self._pts = itertools.count(1)

    # --- scripting -------------------------------------------------------------------
    def fail(self, function: type, *faults: Fault) -> None:
        """The next calls of `function` meet these faults, one per call, in order."""
        self.faults[function].extend(faults)

    def next_fault(self, query: object) -> Fault | None:
        queue = self.faults.get(type(query))
        return queue.pop(0) if queue else None

    def expire_file_references(self) -> None:
        """As Telegram does from time to time: old file ids stop working."""
        for doc_id, stored in list(self.documents.items()):
            document = stored.document
            document.file_reference = random.randbytes(16)
            self.documents[doc_id] = stored

    # --- people ----------------------------------------------------------------------
    def person(self, user_id: int, first_name: str = "Test") -> raw.types.User:
        if user_id not in self.people:
            self.people[user_id] = raw.types.User(
                id=user_id, access_hash=random.getrandbits(63), first_name=first_name
            )
        return self.people[user_id]

    def incoming_text(self, user_id: int, text: str) -> raw.types.Updates:
        message = raw.types.Message(
            id=next(self._message_ids),
            peer_id=raw.types.PeerUser(user_id=user_id),
            date=now(),
            message=text,
        )
        self.messages[message.id] = message
        update = raw.types.UpdateNewMessage(message=message, pts=next(self._pts), pts_count=1)
        return self.updates([update], self.person(user_id))

    def button_press(self, user_id: int, message_id: int, data: bytes) -> raw.types.Updates:
        query_id = random.getrandbits(63)
        self.open_queries.add(query_id)
        update = raw.types.UpdateBotCallbackQuery(
            query_id=query_id,
            user_id=user_id,
            peer=raw.types.PeerUser(user_id=user_id),
            msg_id=message_id,
            chat_instance=random.getrandbits(63),
            data=data,
        )
        return self.updates([update], self.person(user_id))

    def updates(
        self, updates: list[object], *users: raw.types.User, chats: list[object] | None = None
    ) -> raw.types.Updates:
        return raw.types.Updates(
            updates=updates, users=list(users), chats=chats or [], date=now(), seq=0
        )

    def new_message_id(self) -> int:
        return next(self._message_ids)

    # --- what the bot sent -----------------------------------------------------------
    def new_outgoing(self, user_id: int, **fields: object) -> raw.types.Message:
        message = raw.types.Message(
            id=next(self._message_ids),
            peer_id=raw.types.PeerUser(user_id=user_id),
            date=now(),
            out=True,
            **fields,  # type: ignore[arg-type]
        )
        self.messages[message.id] = message
        return message

    def chat_of(self, message: raw.types.Message) -> int:
        return int(message.peer_id.user_id)

    def sent_to(self, user_id: int) -> list[raw.types.Message]:
        return [
            m
            for m in self.messages.values()
            if m.out and self.chat_of(m) == user_id and (user_id, m.id) not in self.deleted
        ]

    def texts_to(self, user_id: int) -> list[str]:
        return [m.message for m in self.sent_to(user_id) if m.media is None]

    def keyboard(self, message: raw.types.Message) -> list[list[tuple[str, bytes]]]:
        """The message's inline keyboard as rows of (label, callback data)."""
        markup = message.reply_markup
        if markup is None:
            return []
        return [[(b.text, _callback_data(b)) for b in row.buttons] for row in markup.rows]

    def buttons(self, message: raw.types.Message) -> dict[str, bytes]:
        """label -> callback data of the message's inline keyboard."""
        return dict(pair for row in self.keyboard(message) for pair in row)

    def next_pts(self) -> int:
        return next(self._pts)

    def store_document(self, content: bytes, file_name: str, mime_type: str) -> StoredDocument:
        document = raw.types.Document(
            id=random.getrandbits(62),
            access_hash=random.getrandbits(63),
            file_reference=random.randbytes(16),
            date=now(),
            mime_type=mime_type,
            size=len(content),
            dc_id=2,
            attributes=[raw.types.DocumentAttributeFilename(file_name=file_name)],
        )
        stored = StoredDocument(document, hashlib.sha256(content).hexdigest(), file_name)
        self.documents[document.id] = stored
        return stored


def _callback_data(button: object) -> bytes:
    # Layer 229 nests the data in a button type; older layers keep it on the button
    data = getattr(button, "data", None)
    if data is None:
        data = getattr(getattr(button, "type", None), "data", None)
    if not isinstance(data, bytes):
        raise AssertionError(f"not a callback button: {button!r}")
    return data
