"""The WatchSchedules port on the SQLite file: one row per watched batch."""

# ruff: noqa: S608 - statements join this module's constant column list; values are bound

from __future__ import annotations

import math
import sqlite3

from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.domain.errors import StorageError
from cpbatch.domain.watch import WatchSchedule

_COLUMNS = "org_code, batch_key, next_check_at, last_check_at, failures"
INSERT_IF_ABSENT = (
    f"INSERT INTO watch_schedules ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (org_code, batch_key) DO NOTHING"
)
UPDATE = (
    "UPDATE watch_schedules SET next_check_at = ?, last_check_at = ?, failures = ? "
    "WHERE org_code = ? AND batch_key = ?"
)
CLAIM = (
    "UPDATE watch_schedules SET next_check_at = ? "
    "WHERE org_code = ? AND batch_key = ? AND next_check_at = ?"
)
DELETE = "DELETE FROM watch_schedules WHERE org_code = ? AND batch_key = ?"
DUE = (
    f"SELECT {_COLUMNS} FROM watch_schedules WHERE next_check_at <= ? "
    "ORDER BY next_check_at, org_code, batch_key LIMIT ?"
)
ALL = f"SELECT {_COLUMNS} FROM watch_schedules ORDER BY next_check_at, org_code, batch_key"


class SqliteWatchSchedules:
    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def add_schedule(self, schedule: WatchSchedule) -> None:
        args = _row(schedule)
        await self._thread.run(lambda db: db.execute(INSERT_IF_ABSENT, args), doing="add a check")

    async def update_schedule(self, schedule: WatchSchedule) -> bool:
        s = schedule
        args = (s.next_check_at, s.last_check_at, s.failures, s.org_code, s.batch_key)

        def update(db: sqlite3.Connection) -> bool:
            return db.execute(UPDATE, args).rowcount == 1

        return await self._thread.run(update, doing="save a check")

    async def claim_schedule(self, schedule: WatchSchedule, next_check_at: float) -> bool:
        args = (next_check_at, schedule.org_code, schedule.batch_key, schedule.next_check_at)

        def claim(db: sqlite3.Connection) -> bool:
            return db.execute(CLAIM, args).rowcount == 1

        return await self._thread.run(claim, doing="claim a check")

    async def delete_schedule(self, org_code: str, batch_key: str) -> None:
        args = (org_code, batch_key)
        await self._thread.run(lambda db: db.execute(DELETE, args), doing="delete a check")

    async def due_schedules(self, now: float, limit: int) -> list[WatchSchedule]:
        until = now if math.isfinite(now) else 1e300
        return await self._select(DUE, (until, limit))

    async def schedules(self) -> list[WatchSchedule]:
        return await self._select(ALL, ())

    async def _select(self, statement: str, args: tuple[object, ...]) -> list[WatchSchedule]:
        def read(db: sqlite3.Connection) -> list[WatchSchedule]:
            return [_schedule(row) for row in db.execute(statement, args)]

        return await self._thread.run(read, doing="read checks")


def _row(schedule: WatchSchedule) -> tuple[object, ...]:
    s = schedule
    return (s.org_code, s.batch_key, s.next_check_at, s.last_check_at, s.failures)


def _schedule(row: tuple[object, ...]) -> WatchSchedule:
    org_code, batch_key, next_at, last_at, failures = row
    try:
        return WatchSchedule(
            org_code=str(org_code),
            batch_key=str(batch_key),
            next_check_at=float(str(next_at)),
            last_check_at=None if last_at is None else float(str(last_at)),
            failures=int(str(failures)),
        )
    except ValueError:
        raise StorageError("A stored watch schedule is malformed.") from None
