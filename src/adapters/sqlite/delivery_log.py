"""The DeliveryLog port on the SQLite file: one row per (user, file id, version)."""

# ruff: noqa: S608 - statements join this module's constant column list; values are bound

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from cpbatch.adapters.sqlite.connection import SqliteThread, transaction
from cpbatch.adapters.sqlite.statements import KEYS_PER_QUERY
from cpbatch.domain.errors import StorageError
from cpbatch.domain.watch import Delivery, DeliveryState

_COLUMNS = "user_id, file_id, version, state, message_id, attempts"
RECORD = (
    "INSERT INTO watch_deliveries (user_id, file_id, version, state, message_id, attempts, "
    "updated_at) VALUES (?, ?, ?, ?, NULL, 0, ?) ON CONFLICT DO NOTHING"
)
SELECT_ONE = (
    f"SELECT {_COLUMNS} FROM watch_deliveries WHERE user_id = ? AND file_id = ? AND version = ?"
)
BEGIN = (
    "INSERT INTO watch_deliveries (user_id, file_id, version, state, message_id, attempts, "
    "updated_at) VALUES (?, ?, ?, 'pending', NULL, 1, ?) ON CONFLICT DO UPDATE SET "
    "attempts = attempts + 1, updated_at = excluded.updated_at WHERE state = 'pending'"
)
COMPLETE = (
    "UPDATE watch_deliveries SET state = ?, message_id = ?, updated_at = ? "
    "WHERE user_id = ? AND file_id = ? AND version = ? AND state = 'pending'"
)


class SqliteDeliveryLog:
    """Every write is committed when it returns (the intent before a send included)."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def entries(self, user_id: int, file_ids: Sequence[int]) -> list[Delivery]:
        ids = list(dict.fromkeys(file_ids))

        def read(db: sqlite3.Connection) -> list[Delivery]:
            found: list[Delivery] = []
            for start in range(0, len(ids), KEYS_PER_QUERY):
                chunk = ids[start : start + KEYS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                statement = (
                    f"SELECT {_COLUMNS} FROM watch_deliveries "
                    f"WHERE user_id = ? AND file_id IN ({marks})"
                )
                found += [_delivery(row) for row in db.execute(statement, (user_id, *chunk))]
            return found

        return await self._thread.run(read, doing="read the delivery log")

    async def record(
        self, user_id: int, items: Sequence[tuple[int, str]], state: DeliveryState
    ) -> None:
        now = time.time()
        rows = [(user_id, file_id, version, state.value, now) for file_id, version in items]

        def write(db: sqlite3.Connection) -> None:
            with transaction(db):
                db.executemany(RECORD, rows)

        await self._thread.run(write, doing="write the delivery log")

    async def begin(self, user_id: int, file_id: int, version: str) -> Delivery:
        key = (user_id, file_id, version)

        def write(db: sqlite3.Connection) -> Delivery:
            with transaction(db):
                db.execute(BEGIN, (*key, time.time()))
                return _delivery(db.execute(SELECT_ONE, key).fetchone())

        return await self._thread.run(write, doing="write the delivery log")

    async def complete(
        self, user_id: int, file_id: int, version: str, state: DeliveryState, message_id: int | None
    ) -> None:
        args = (state.value, message_id, time.time(), user_id, file_id, version)
        await self._thread.run(lambda db: db.execute(COMPLETE, args), doing="settle a delivery")


def _delivery(row: tuple[object, ...]) -> Delivery:
    user_id, file_id, version, state, message_id, attempts = row
    try:
        return Delivery(
            user_id=int(str(user_id)),
            file_id=int(str(file_id)),
            version=str(version),
            state=DeliveryState(state),
            message_id=None if message_id is None else int(str(message_id)),
            attempts=int(str(attempts)),
        )
    except ValueError:
        raise StorageError("A stored delivery is malformed.") from None
