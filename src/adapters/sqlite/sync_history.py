"""The SyncHistory port on the SQLite file."""

from __future__ import annotations

import json
import sqlite3
import time

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.rows import execute, read_json
from cpbatch.domain.models import SyncReport


class SqliteSyncHistory:
    """Finished syncs' summaries, newest first when read."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def record_sync(self, report: SyncReport) -> None:
        payload = json.dumps(ser.sync_report_to_dict(report))
        args = (report.org.code.value, time.time(), payload)
        await execute(self._thread, sql.INSERT_SYNC_RUN, args, doing="record a sync")

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        """The latest recorded syncs, newest first (of one org when org_code is given)."""
        code = org_code.strip().lower() if org_code is not None else None

        def query(db: sqlite3.Connection) -> list[SyncReport]:
            rows = db.execute(sql.SELECT_RECENT_SYNCS, (code, code, limit)).fetchall()
            return [ser.sync_report_from_dict(read_json(row[0], "sync report")) for row in rows]

        return await self._thread.run(query, doing="read sync history")
