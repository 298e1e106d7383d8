"""The RemoteFileIdRepository port on the SQLite file."""

from __future__ import annotations

import sqlite3
import time

from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.domain.errors import StorageError, ValidationError


class SqliteRemoteFileIds:
    """The chat service's id of each uploaded blob part, keyed by (sha256, part). Saving a
    key again replaces its id; each write is committed when it returns."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def load_remote_file_id(self, sha256: str, part: int = 0) -> str | None:
        args = _key(sha256, part)

        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute(sql.SELECT_REMOTE_FILE_ID, args).fetchone()
            if row is None:
                return None
            if not isinstance(row[0], str):
                raise StorageError("A stored remote file id is malformed: it is not text.")
            return row[0]

        return await self._thread.run(read, doing="read a remote file id")

    async def save_remote_file_id(self, sha256: str, remote_id: str, part: int = 0) -> None:
        if not isinstance(remote_id, str) or not remote_id:
            raise ValidationError("A remote file id must be non-empty text.")
        args = (*_key(sha256, part), remote_id, time.time())

        def write(db: sqlite3.Connection) -> None:
            db.execute(sql.UPSERT_REMOTE_FILE_ID, args)

        await self._thread.run(write, doing="save a remote file id")


def _key(sha256: str, part: int) -> tuple[str, int]:
    if not isinstance(sha256, str) or not sha256:
        raise ValidationError("A remote file id is keyed by the blob's sha256.")
    if isinstance(part, bool) or not isinstance(part, int) or part < 0:
        raise ValidationError("A file part number must be a whole number from 0.")
    return sha256, part
