"""The Placements port on the SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.rows import execute
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import Placement


class SqlitePlacements:
    """One row per file a sync wrote into a user's folder; writes committed when they return."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def get_placements(self, paths: Sequence[str]) -> dict[str, Placement]:
        wanted = list(dict.fromkeys(paths))

        def query(db: sqlite3.Connection) -> dict[str, Placement]:
            found = map(_placement, sql.placement_rows_for(db, wanted))
            return {placement.path: placement for placement in found}

        return await self._thread.run(query, doing="read placements")

    async def save_placement(self, placement: Placement) -> None:
        doc = {"path": placement.path, **ser.file_record_to_dict(placement.record)}
        await execute(self._thread, sql.UPSERT_PLACEMENT, doc, doing="save a placement")

    async def delete_placement(self, path: str) -> None:
        await execute(self._thread, sql.DELETE_PLACEMENT, (path,), doing="delete a placement")

    async def placements(self) -> AsyncIterator[Placement]:
        after: str | None = None
        while True:

            def page_after(db: sqlite3.Connection, after: str | None = after) -> list[Placement]:
                return [_placement(row) for row in sql.placement_rows_after(db, after)]

            page = await self._thread.run(page_after, doing="list placements")
            for placement in page:
                yield placement
            if len(page) < sql.PAGE_SIZE:
                return
            after = page[-1].path


def _placement(row: tuple[object, ...]) -> Placement:
    doc = dict(zip(sql.PLACEMENT_COLUMNS, row, strict=True))
    path = doc.pop("path")
    if not isinstance(path, str):
        raise StorageError("A stored placement is malformed: its path is not text.")
    return Placement(path=path, record=ser.file_record_from_dict(doc))
