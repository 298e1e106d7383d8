"""What the SQLite port classes share: one-statement writes and the cached-listing read."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import FileRecord

T = TypeVar("T")


async def execute(thread: SqliteThread, statement: str, args: object, *, doing: str) -> None:
    """One write statement, in autocommit mode: committed (durable) when this returns."""

    def write(db: sqlite3.Connection) -> None:
        db.execute(statement, args)  # type: ignore[arg-type]

    await thread.run(write, doing=doing)


async def load_cached(
    thread: SqliteThread,
    statement: str,
    args: tuple[object, ...],
    max_age_s: float,
    parse: Callable[[object], T],
) -> T | None:
    def query(db: sqlite3.Connection) -> T | None:
        row = db.execute(statement, args).fetchone()
        if row is None or not _is_fresh(row[1], max_age_s):
            return None
        return parse(read_json(row[0], "listing"))

    return await thread.run(query, doing="read the listing cache")


def record_from_row(row: tuple[object, ...]) -> FileRecord:
    return ser.file_record_from_dict(dict(zip(sql.RECORD_COLUMNS, row, strict=True)))


def read_json(text: object, what: str) -> object:
    if isinstance(text, str | bytes):
        try:
            return json.loads(text)
        except ValueError:
            pass
    raise StorageError(f"A stored {what} is unreadable: it is not valid JSON.")


def _is_fresh(fetched_at: object, max_age_s: float) -> bool:
    if isinstance(fetched_at, bool) or not isinstance(fetched_at, int | float):
        raise StorageError("A cached listing is malformed: its fetch time is not a number.")
    return time.time() - fetched_at < max_age_s
