"""Sending one file of the user's own listing to their chat, moving as few bytes as possible.

A file's bytes are uploaded once: the chat service's id for them is kept against the blob's
sha256 (per part) and reused for every later send, to anyone; sends that want the same bytes at
the same moment wait for one upload (SharedUploads). Entitlement is NOT decided here:
callers pass a BatchFile taken from the user's own listing, and the download path checks it
again through DownloadBatch."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path

from cpbatch.application.bot import delivery_texts as say
from cpbatch.application.bot import texts
from cpbatch.application.bot.outgoing import DocumentSender, Outgoing, already_written
from cpbatch.application.bot.parts import part_count, part_name, split_into_parts
from cpbatch.application.bot.progress import DownloadListener, ProgressMessage
from cpbatch.application.bot.shared_uploads import SharedUploads
from cpbatch.application.logs import get_logger
from cpbatch.application.ports import (
    ChatPort,
    FileRecords,
    RemoteFileIdRepository,
    Upload,
)
from cpbatch.application.ports.services import StoredBlobs
from cpbatch.application.use_cases import DownloadBatch
from cpbatch.domain.errors import DeliveryError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import BatchFile, FileRecord, StoredFile
from cpbatch.domain.naming import sanitize_name, with_extension

log = get_logger(__name__)
WHOLE = 0  # the part number of a file sent in one piece
_SCRATCH = re.compile(r"^[0-9a-f]{16}$")  # the folders `send` makes in work_dir, and only those


@dataclass(frozen=True, slots=True)
class Sent:
    name: str
    size: int
    parts: int
    uploaded: bool  # False when every part went by an id the chat service had: no bytes moved


class FileSender:
    def __init__(
        self,
        chat: ChatPort,
        download: DownloadBatch,
        blobs: StoredBlobs,
        repository: FileRecords,
        remote_ids: RemoteFileIdRepository,
        work_dir: Path,
        max_part_size: int,
    ) -> None:
        self._chat = chat
        self._download = download
        self._blobs = blobs
        self._repository = repository
        self._remote_ids = remote_ids
        self._uploads = SharedUploads(remote_ids)
        self._documents = DocumentSender(chat, self._uploads)
        self._work_dir = work_dir
        self._max_part_size = max_part_size

    async def send(
        self, chat_id: int, token: AccessToken, file: BatchFile, progress: ProgressMessage
    ) -> Sent:
        """Send `file` (from the caller's own listing) as a document, or as numbered parts.
        Raises DeliveryError, AuthenticationError and the download's errors; cancellation
        stops the download or upload and leaves no temporary files."""
        name = with_extension(sanitize_name(file.name), file.mime_type)
        record = await self._record(file)
        already: set[int] = set()
        if record is not None:
            already = await self._send_remembered(chat_id, file, name, record)
            if len(already) == part_count(record.size, self._max_part_size):
                return Sent(name, record.size, len(already), uploaded=False)
        result = await self._download.execute(
            token,
            file.batch.org.code,
            file.id,
            batch=file.batch.key,
            progress=DownloadListener(progress),
        )
        if record is None or record.sha256 != result.stored.sha256:
            already = set()  # other bytes than the ones remembered
        parcel = _Parcel(chat_id, file, name, result.stored)
        uploaded = await self._send_stored(parcel, progress, already)
        return Sent(name, result.stored.size, parcel.parts(self._max_part_size), uploaded)

    async def send_stored(
        self,
        chat_id: int,
        file: BatchFile,
        stored: StoredFile,
        progress: ProgressMessage,
        note: str,
    ) -> int | None:
        """Send bytes already in the store, with `note` above the caption: by the id the chat
        service has for them, or uploaded once for every send of them at that moment. The
        caller has checked the recipient's entitlement. Returns the message id of the
        document (of the last part). Raises DeliveryError."""
        name = with_extension(sanitize_name(file.name), file.mime_type)
        parcel = _Parcel(chat_id, file, name, stored, note)
        await self._send_stored(parcel, progress, set())
        return parcel.receipts[-1] if parcel.receipts else None

    async def _send_stored(
        self, parcel: _Parcel, progress: ProgressMessage, already: set[int]
    ) -> bool:
        if parcel.stored.size == 0:
            raise DeliveryError(say.EMPTY_FILE)
        folder = self._work_dir / secrets.token_hex(8)  # one per send: sends never collide
        try:
            if parcel.parts(self._max_part_size) == 1:
                return await self._send_whole(parcel, folder, progress)
            return await self._send_parts(parcel, folder, progress, already)
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, True)

    @property
    def waiting_uploads(self) -> int:
        """Sends waiting for another send's upload of the same bytes."""
        return self._uploads.waiting

    async def sweep(self) -> None:
        """Remove scratch folders left in work_dir (by a crash, say); call when no job runs."""
        await asyncio.to_thread(_sweep, self._work_dir)

    async def _record(self, file: BatchFile) -> FileRecord | None:
        record = (await self._repository.get_records([file.record_key])).get(file.record_key)
        return record if record is not None and record.matches(file) else None

    async def _send_remembered(
        self, chat_id: int, file: BatchFile, name: str, record: FileRecord
    ) -> set[int]:
        """Send parts by remembered id, in order, up to the first one without a usable id."""
        count = part_count(record.size, self._max_part_size)
        sent: set[int] = set()
        for number in range(1, count + 1) if count > 1 else (WHOLE,):
            remote_id = await self._remote_ids.load_remote_file_id(record.sha256, number)
            if remote_id is None:
                break
            upload = Upload(part_name(name, number) if number else name, remote_id=remote_id)
            try:
                await self._chat.send_document(
                    chat_id, upload, self._plain_caption(file, name, record.size, number, count)
                )
            except DeliveryError:  # e.g. an id the chat service no longer knows: upload again
                log.warning("bot_remote_id_rejected", sha256=record.sha256, part=number)
                break
            sent.add(number)
        if count > 1 and len(sent) == count:
            await self._join_note(chat_id, name, count)
        return sent

    async def _send_whole(self, parcel: _Parcel, folder: Path, progress: ProgressMessage) -> bool:
        name, sha256 = parcel.name, parcel.stored.sha256

        async def exported() -> Path:
            await self._blobs.export(sha256, folder / name)
            return folder / name

        caption = self._caption(parcel, WHOLE, 1)
        outgoing = Outgoing(parcel.chat_id, sha256, WHOLE, name, caption, texts.UPLOADING)
        return await self._documents.send(outgoing, exported, progress, parcel.receipts)

    async def _send_parts(
        self, parcel: _Parcel, folder: Path, progress: ProgressMessage, already: set[int]
    ) -> bool:
        """Send the parts not in `already`; True when any of them was uploaded."""
        uploaded = False
        stored, name = parcel.stored, parcel.name
        parts = split_into_parts(
            self._blobs.read(stored.sha256), stored.size, self._max_part_size, folder, name,
            skip=already,
        )  # fmt: skip
        async with aclosing(parts):
            async for part in parts:
                caption = self._caption(parcel, part.number, part.count)
                phase = f"{texts.UPLOADING} part {part.number} of {part.count}"
                outgoing = Outgoing(
                    parcel.chat_id, stored.sha256, part.number, part.name, caption, phase
                )
                uploaded |= await self._documents.send(
                    outgoing, already_written(part.path), progress, parcel.receipts
                )
        count = parcel.parts(self._max_part_size)
        await self._join_note(parcel.chat_id, name, count)
        return uploaded

    def _caption(self, parcel: _Parcel, number: int, count: int) -> str:
        lead = f"{parcel.note}\n" if parcel.note else ""
        return lead + self._plain_caption(
            parcel.file, parcel.name, parcel.stored.size, number, count
        )

    def _plain_caption(
        self, file: BatchFile, name: str, total: int, number: int, count: int
    ) -> str:
        if number == WHOLE:
            return say.caption(name, total, file.batch.name)
        size = min(self._max_part_size, total - (number - 1) * self._max_part_size)
        return say.part_caption(name, number, count, size, total, file.batch.name)

    async def _join_note(self, chat_id: int, name: str, count: int) -> None:
        names = [part_name(name, n) for n in range(1, count + 1)]
        await self._chat.send_text(chat_id, say.join_note(name, names, self._max_part_size))


@dataclass(slots=True)
class _Parcel:
    """One file on its way to one chat, and the message ids its documents got."""

    chat_id: int
    file: BatchFile
    name: str
    stored: StoredFile
    note: str = ""
    receipts: list[int] = field(default_factory=list)

    def parts(self, max_part_size: int) -> int:
        return part_count(self.stored.size, max_part_size)


def _sweep(work_dir: Path) -> None:
    if not work_dir.is_dir():
        return
    for entry in work_dir.iterdir():
        if _SCRATCH.fullmatch(entry.name) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
