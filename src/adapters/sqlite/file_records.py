"""The FileRecords port on the SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.rows import execute, record_from_row
from cpbatch.domain.models import FileRecord


class SqliteFileRecords:
    """One row per stored file version; each write is committed when it returns."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        wanted = list(dict.fromkeys(keys))

        def query(db: sqlite3.Connection) -> dict[str, FileRecord]:
            records = map(record_from_row, sql.record_rows_for(db, wanted))
            return {record.key: record for record in records}

        return await self._thread.run(query, doing="read file records")

    async def save_record(self, record: FileRecord) -> None:
        doc = ser.file_record_to_dict(record)
        await execute(self._thread, sql.UPSERT_RECORD, doc, doing="save a file record")

    async def delete_record(self, key: str) -> None:
        await execute(self._thread, sql.DELETE_RECORD, (key,), doing="delete a file record")

    async def records(self) -> AsyncIterator[FileRecord]:
        after: str | None = None
        while True:

            def page_after(db: sqlite3.Connection, after: str | None = after) -> list[FileRecord]:
                return [record_from_row(row) for row in sql.record_rows_after(db, after)]

            page = await self._thread.run(page_after, doing="list file records")
            for record in page:
                yield record
            if len(page) < sql.PAGE_SIZE:
                return
            after = page[-1].key
