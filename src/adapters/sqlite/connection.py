"""One sqlite3 connection, owned by one dedicated worker thread, driven from asyncio."""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import structlog

from cpbatch.domain.errors import StorageError

log = structlog.get_logger(__name__)
T = TypeVar("T")
BUSY_TIMEOUT_S = 5.0
MAX_BOUND_VARIABLES = 999


class SqliteThread:
    """Runs functions of one connection in its own thread, one at a time, in submission order.

    The connection is created, used and closed in that thread only, in autocommit mode (write
    transactions are explicit, see `transaction`). sqlite3 and OS errors become StorageError
    naming the database file, never the data. A new database file is private (mode 0o600):
    the listing cache holds file addresses, which are capabilities."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpbatch-sqlite")
        self._db: sqlite3.Connection | None = None
        self._closed = False

    async def open(self) -> None:
        await self._submit(self._connect, "open")

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, doing: str) -> T:
        """Run `fn(connection)` in the thread; `doing` completes "failed to ..." in errors."""
        return await self._submit(lambda: fn(self._connection()), doing)

    async def close(self) -> None:
        """Idempotent. Work already submitted finishes first, then the connection closes."""
        if self._closed:
            return
        self._closed = True
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._disconnect)
        self._executor.shutdown(wait=False)
        await future

    async def _submit(self, fn: Callable[[], T], doing: str) -> T:
        if self._closed:
            raise StorageError(f"The metadata database {self.path} is closed.")
        loop = asyncio.get_running_loop()
        # In the caller's context, as asyncio.to_thread would: the thread's log lines carry
        # the fields bound for the command or update (run_in_executor alone drops them).
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._executor, context.run, self._guarded, fn, doing)

    def _guarded(self, fn: Callable[[], T], doing: str) -> T:
        try:
            return fn()
        except (sqlite3.Error, OSError) as exc:
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            raise StorageError(
                f"The metadata database {self.path} failed to {doing}: {reason}."
            ) from None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StorageError(f"The metadata database {self.path} is not open.")
        return self._db

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("sqlite_wal_unavailable", path=str(self.path), journal_mode=mode)
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=5000")  # = BUSY_TIMEOUT_S
            # The smallest limit any SQLite build has, so behaviour never depends on the build.
            db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, MAX_BOUND_VARIABLES)
        except BaseException:
            db.close()
            raise
        self._db = db

    def _disconnect(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (autocommit connections)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")
