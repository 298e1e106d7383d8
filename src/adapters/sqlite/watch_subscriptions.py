"""The Subscriptions and WatchPreferences ports on the SQLite file."""

# ruff: noqa: S608 - statements join this module's constant column list; values are bound

from __future__ import annotations

import sqlite3

from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.domain.errors import StorageError
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import Subscription, SubscriptionStatus

_COLUMNS = "user_id, org_code, batch_key, chat_id, batch_name, created_at, status, paused_principal"
UPSERT = (
    f"INSERT INTO watch_subscriptions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id, org_code, batch_key) DO UPDATE SET chat_id = excluded.chat_id, "
    "batch_name = excluded.batch_name, status = excluded.status, "
    "paused_principal = excluded.paused_principal"
)
UPDATE = (
    "UPDATE watch_subscriptions SET chat_id = ?, batch_name = ?, status = ?, "
    "paused_principal = ? WHERE user_id = ? AND org_code = ? AND batch_key = ?"
)
DELETE = "DELETE FROM watch_subscriptions WHERE user_id = ? AND org_code = ? AND batch_key = ?"
OF_USER = f"SELECT {_COLUMNS} FROM watch_subscriptions WHERE user_id = ? ORDER BY created_at, rowid"
OF_BATCH = (
    f"SELECT {_COLUMNS} FROM watch_subscriptions WHERE org_code = ? AND batch_key = ? "
    "ORDER BY created_at, rowid"
)
UPSERT_QUIET = (
    "INSERT INTO watch_preferences (user_id, quiet_start, quiet_end, zone) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET quiet_start = excluded.quiet_start, "
    "quiet_end = excluded.quiet_end, zone = excluded.zone"
)
DELETE_QUIET = "DELETE FROM watch_preferences WHERE user_id = ?"
SELECT_QUIET = "SELECT quiet_start, quiet_end, zone FROM watch_preferences WHERE user_id = ?"


class SqliteSubscriptions:
    """Keyed by (user, org, batch); saving again keeps the first created_at. Each write is
    committed when it returns."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def save_subscription(self, subscription: Subscription) -> None:
        s = subscription
        args = (
            s.user_id, s.org_code, s.batch_key, s.chat_id, s.batch_name, s.created_at,
            s.status.value, s.paused_principal,
        )  # fmt: skip
        await self._thread.run(lambda db: db.execute(UPSERT, args), doing="save a watch")

    async def update_subscription(self, subscription: Subscription) -> bool:
        s = subscription
        args = (
            s.chat_id, s.batch_name, s.status.value, s.paused_principal,
            s.user_id, s.org_code, s.batch_key,
        )  # fmt: skip

        def update(db: sqlite3.Connection) -> bool:
            return db.execute(UPDATE, args).rowcount == 1

        return await self._thread.run(update, doing="save a watch")

    async def delete_subscription(self, user_id: int, org_code: str, batch_key: str) -> bool:
        args = (user_id, org_code, batch_key)
        deleted = await self._thread.run(
            lambda db: db.execute(DELETE, args).rowcount, doing="delete a watch"
        )
        return bool(deleted)

    async def subscriptions_of(self, user_id: int) -> list[Subscription]:
        return await self._select(OF_USER, (user_id,))

    async def subscribers(self, org_code: str, batch_key: str) -> list[Subscription]:
        return await self._select(OF_BATCH, (org_code, batch_key))

    async def _select(self, statement: str, args: tuple[object, ...]) -> list[Subscription]:
        def read(db: sqlite3.Connection) -> list[Subscription]:
            return [_subscription(row) for row in db.execute(statement, args)]

        return await self._thread.run(read, doing="read watches")


class SqliteWatchPreferences:
    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def save_quiet_hours(self, user_id: int, quiet: QuietHours | None) -> None:
        def write(db: sqlite3.Connection) -> None:
            if quiet is None:
                db.execute(DELETE_QUIET, (user_id,))
            else:
                db.execute(UPSERT_QUIET, (user_id, quiet.start, quiet.end, quiet.zone))

        await self._thread.run(write, doing="save quiet hours")

    async def quiet_hours(self, user_id: int) -> QuietHours | None:
        def read(db: sqlite3.Connection) -> QuietHours | None:
            row = db.execute(SELECT_QUIET, (user_id,)).fetchone()
            return None if row is None else QuietHours(int(row[0]), int(row[1]), str(row[2]))

        return await self._thread.run(read, doing="read quiet hours")


def _subscription(row: tuple[object, ...]) -> Subscription:
    user_id, org_code, batch_key, chat_id, name, created_at, status, principal = row
    try:
        return Subscription(
            user_id=int(str(user_id)),
            chat_id=int(str(chat_id)),
            org_code=str(org_code),
            batch_key=str(batch_key),
            batch_name=str(name),
            created_at=float(str(created_at)),
            status=SubscriptionStatus(status),
            paused_principal=None if principal is None else str(principal),
        )
    except ValueError:
        raise StorageError("A stored watch is malformed.") from None
