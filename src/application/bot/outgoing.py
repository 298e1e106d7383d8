"""One document on its way to one chat. It goes through SharedUploads: by an id the chat
service already has for its bytes, or uploaded from a local copy made only when needed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from cpbatch.application.bot.progress import ProgressMessage
from cpbatch.application.bot.shared_uploads import SharedUploads
from cpbatch.application.ports import ChatPort, SentDocument, Upload
from cpbatch.application.ports.chat import UploadProgress

LocalCopy = Callable[[], Awaitable[Path]]  # the bytes as a local file, made only to upload them


@dataclass(frozen=True, slots=True)
class Outgoing:
    chat_id: int
    sha256: str
    part: int  # 0 for a file sent whole, else the part's number
    file_name: str
    caption: str
    phase: str  # what the progress message says while it uploads


class DocumentSender:
    def __init__(self, chat: ChatPort, uploads: SharedUploads) -> None:
        self._chat = chat
        self._uploads = uploads

    async def send(
        self,
        outgoing: Outgoing,
        local_copy: LocalCopy,
        progress: ProgressMessage,
        receipts: list[int] | None = None,
    ) -> bool:
        """Send one document; True when its bytes were uploaded, False when they went by an id
        (remembered, or got by a concurrent upload of the same bytes). Raises DeliveryError.
        The message id the chat service gave the document is added to `receipts`."""

        def keep(sent: SentDocument) -> None:
            if receipts is not None and sent.message_id is not None:
                receipts.append(sent.message_id)

        async def by_id(remote_id: str) -> None:
            upload = Upload(outgoing.file_name, remote_id=remote_id)
            keep(await self._chat.send_document(outgoing.chat_id, upload, outgoing.caption))

        async def upload() -> str:
            path = await local_copy()
            progress.phase(outgoing.phase)
            sent = await self._chat.send_document(
                outgoing.chat_id,
                Upload(outgoing.file_name, path=path),
                outgoing.caption,
                progress=_reporter(progress),
            )
            keep(sent)
            return sent.remote_id

        return await self._uploads.deliver(outgoing.sha256, outgoing.part, by_id, upload)


def already_written(path: Path) -> LocalCopy:
    async def ready() -> Path:
        return path

    return ready


def _reporter(progress: ProgressMessage) -> UploadProgress:
    async def report(done: int, total: int) -> None:
        progress.update(done, total)

    return report
