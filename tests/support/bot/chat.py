"""FakeChat: the chat port in memory, recording per chat what the bot said, edited, deleted and
sent, and counting uploaded bytes. Documents sent by remote id move no bytes."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from cpbatch.application.ports import Button, Keyboard, SentDocument, Upload
from cpbatch.application.ports.chat import UploadProgress
from cpbatch.domain.errors import DeliveryError

KEEP_CONTENT_UP_TO = 1 << 20  # bigger uploads are measured, not read


@dataclass
class Message:
    chat_id: int
    message_id: int
    text: str
    keyboard: Keyboard | None
    edits: list[str] = field(default_factory=list)  # each text it was edited to, in order
    deleted: bool = False

    def buttons(self) -> list[Button]:
        return [b for row in self.keyboard or () for b in row]

    def labels(self) -> list[str]:
        return [b.text for b in self.buttons()]


@dataclass
class Document:
    chat_id: int
    file_name: str
    caption: str
    remote_id: str
    by_remote_id: bool  # reused an earlier upload: no bytes moved
    size: int
    content: bytes | None  # what was uploaded (small files only)
    message_id: int = 0


class FakeChat:
    def __init__(self) -> None:
        self.messages: dict[int, dict[int, Message]] = defaultdict(dict)
        self.documents: dict[int, list[Document]] = defaultdict(list)
        self.deleted: dict[int, list[int]] = defaultdict(list)  # chat id -> deleted message ids
        self.answers: dict[str, tuple[str | None, bool]] = {}  # callback id -> (text, alert)
        self.uploaded_bytes = 0
        self.uploads = 0
        self.progress_calls = 0  # upload progress reports made
        self.remote_sizes: dict[str, int] = {}  # remote ids this chat service handed out
        self.upload_gate: asyncio.Event | None = None  # uploads wait for it when set
        self.upload_started = asyncio.Event()
        self.uploading_now = 0
        self.uploading_max = 0
        self.fail_uploads: BaseException | None = None
        self.fail_uploads_to: dict[int, BaseException] = {}  # chat id -> its uploads' error
        self.forget_remote_ids = False  # every send by remote id fails, as after a bot change
        self._ids = itertools.count(1)

    # -- the port ---------------------------------------------------------------------------
    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard | None = None) -> int:
        await asyncio.sleep(0)
        message_id = next(self._ids)
        self.messages[chat_id][message_id] = Message(chat_id, message_id, text, keyboard)
        return message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None
    ) -> None:
        await asyncio.sleep(0)
        message = self.messages[chat_id][message_id]
        message.text, message.keyboard = text, keyboard
        message.edits.append(text)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        self.deleted[chat_id].append(message_id)
        if message_id in self.messages[chat_id]:
            self.messages[chat_id][message_id].deleted = True

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None:
        self.answers[callback_id] = (text, alert)

    async def send_document(
        self,
        chat_id: int,
        upload: Upload,
        caption: str,
        progress: UploadProgress | None = None,
    ) -> SentDocument:
        await asyncio.sleep(0)
        if upload.remote_id is not None:
            if self.forget_remote_ids or upload.remote_id not in self.remote_sizes:
                raise DeliveryError("Telegram does not know that file id.")
            size = self.remote_sizes[upload.remote_id]
            message_id = next(self._ids)
            self.documents[chat_id].append(
                Document(
                    chat_id, upload.file_name, caption, upload.remote_id, True, size, None,
                    message_id,
                )
            )  # fmt: skip
            return SentDocument(upload.remote_id, message_id)
        assert upload.path is not None
        size = upload.path.stat().st_size
        self.uploading_now += 1
        self.uploading_max = max(self.uploading_max, self.uploading_now)
        try:
            self.upload_started.set()
            if progress is not None:
                self.progress_calls += 1
                await progress(size // 2, size)
            if self.upload_gate is not None:
                await self.upload_gate.wait()
            if self.fail_uploads is not None:
                raise self.fail_uploads
            if chat_id in self.fail_uploads_to:
                raise self.fail_uploads_to[chat_id]
            content = upload.path.read_bytes() if size <= KEEP_CONTENT_UP_TO else None
            if progress is not None:
                self.progress_calls += 1
                await progress(size, size)
        finally:
            self.uploading_now -= 1
        self.uploaded_bytes += size
        self.uploads += 1
        remote_id = f"tg-file-{next(self._ids)}"
        message_id = next(self._ids)
        self.remote_sizes[remote_id] = size
        self.documents[chat_id].append(
            Document(
                chat_id, upload.file_name, caption, remote_id, False, size, content, message_id
            )
        )
        return SentDocument(remote_id, message_id)

    # -- looking at what happened --------------------------------------------------------------
    def history(self, chat_id: int) -> list[Message]:
        return list(self.messages[chat_id].values())

    def texts(self, chat_id: int) -> list[str]:
        """Every message's current text, oldest first."""
        return [m.text for m in self.history(chat_id)]

    def last(self, chat_id: int) -> Message:
        return self.history(chat_id)[-1]

    def with_keyboard(self, chat_id: int) -> Message:
        """The newest message that has buttons."""
        return next(m for m in reversed(self.history(chat_id)) if m.keyboard)

    def button(self, chat_id: int, label: str) -> tuple[Message, Button]:
        """The first button whose label contains `label`, on the newest message with buttons."""
        message = self.with_keyboard(chat_id)
        for button in message.buttons():
            if label in button.text:
                return message, button
        raise AssertionError(f"no button with {label!r} in {message.labels()}")
