"""SqliteMetadataRepository: the MetadataRepository port on a local SQLite file."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

import structlog

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.adapters.sqlite.credentials import SqliteCredentials
from cpbatch.adapters.sqlite.migrations import migrate
from cpbatch.adapters.sqlite.remote_file_ids import SqliteRemoteFileIds
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import Batch, BatchFile, FileRecord, OrgListing, SyncReport

if TYPE_CHECKING:
    from cpbatch.application.ports.credentials import CredentialRepository, RemoteFileIdRepository
    from cpbatch.application.ports.storage import MetadataRepository

log = structlog.get_logger(__name__)
T = TypeVar("T")


class SqliteMetadataRepository(SqliteCredentials, SqliteRemoteFileIds):
    """File records, the per-user listing cache and sync history in one SQLite file; also
    the bot's encrypted credentials and remote file ids (CredentialRepository and
    RemoteFileIdRepository, from the mixins).

    Open with `await SqliteMetadataRepository.open(path)` (usable as `async with`), and
    `await repo.close()` (idempotent). Opening creates the file (mode 0o600) and applies
    pending schema migrations; a database from a newer cpbatch is refused with StorageError.
    All SQL runs in one dedicated thread (WAL, synchronous=NORMAL): a returned write survives
    a crash of the process; a power cut may lose the last moments of writes. Cached listings
    are per principal: one user's listing is never returned to another. Every failure,
    including a malformed stored row, raises StorageError.
    """

    def __init__(self, path: Path) -> None:
        """No I/O here: use `open`."""
        self._thread = SqliteThread(path)
        self.path = self._thread.path

    @classmethod
    async def open(cls, path: Path) -> Self:
        repo = cls(path)
        try:
            await repo._thread.open()
            version = await repo._thread.run(migrate, doing="upgrade its schema")
        except BaseException:
            await repo.close()
            raise
        log.debug("sqlite_opened", path=str(repo.path), schema=version)
        return repo

    async def close(self) -> None:
        await self._thread.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def get_records(self, keys: Sequence[str]) -> dict[str, FileRecord]:
        wanted = list(dict.fromkeys(keys))

        def query(db: sqlite3.Connection) -> dict[str, FileRecord]:
            records = map(_record, sql.record_rows_for(db, wanted))
            return {record.key: record for record in records}

        return await self._thread.run(query, doing="read file records")

    async def save_record(self, record: FileRecord) -> None:
        doc = ser.file_record_to_dict(record)
        await self._execute(sql.UPSERT_RECORD, doc, doing="save a file record")

    async def delete_record(self, key: str) -> None:
        await self._execute(sql.DELETE_RECORD, (key,), doing="delete a file record")

    async def records(self) -> AsyncIterator[FileRecord]:
        after: str | None = None
        while True:

            def page_after(db: sqlite3.Connection, after: str | None = after) -> list[FileRecord]:
                return [_record(row) for row in sql.record_rows_after(db, after)]

            page = await self._thread.run(page_after, doing="list file records")
            for record in page:
                yield record
            if len(page) < sql.PAGE_SIZE:
                return
            after = page[-1].key

    async def load_org_listing(
        self, principal: str, org_code: str, max_age_s: float
    ) -> OrgListing | None:
        args = (principal, org_code.strip().lower())
        return await self._load_cached(
            sql.SELECT_ORG_LISTING, args, max_age_s, ser.org_listing_from_dict
        )

    async def save_org_listing(self, principal: str, listing: OrgListing) -> None:
        payload = json.dumps(ser.org_listing_to_dict(listing))
        args = (principal, listing.org.code.value, payload, listing.fetched_at.timestamp())
        await self._execute(sql.UPSERT_ORG_LISTING, args, doing="cache a listing")

    async def load_batch_files(
        self, principal: str, batch: Batch, max_age_s: float
    ) -> list[BatchFile] | None:
        def files_of(doc: object) -> list[BatchFile]:
            return ser.batch_files_from_dict(doc, batch)[1]

        args = (principal, batch.org.id, batch.key)
        return await self._load_cached(sql.SELECT_BATCH_LISTING, args, max_age_s, files_of)

    async def save_batch_files(
        self, principal: str, batch: Batch, files: Sequence[BatchFile]
    ) -> None:
        payload = json.dumps(ser.batch_files_to_dict(batch, files))
        args = (principal, batch.org.id, batch.key, payload, time.time())
        await self._execute(sql.UPSERT_BATCH_LISTING, args, doing="cache a batch listing")

    async def record_sync(self, report: SyncReport) -> None:
        payload = json.dumps(ser.sync_report_to_dict(report))
        args = (report.org.code.value, time.time(), payload)
        await self._execute(sql.INSERT_SYNC_RUN, args, doing="record a sync")

    async def recent_syncs(self, org_code: str | None = None, limit: int = 20) -> list[SyncReport]:
        """The latest recorded syncs, newest first (of one org when org_code is given).
        Not part of the MetadataRepository port (yet)."""
        code = org_code.strip().lower() if org_code is not None else None

        def query(db: sqlite3.Connection) -> list[SyncReport]:
            rows = db.execute(sql.SELECT_RECENT_SYNCS, (code, code, limit)).fetchall()
            return [ser.sync_report_from_dict(_json(row[0], "sync report")) for row in rows]

        return await self._thread.run(query, doing="read sync history")

    async def _execute(self, statement: str, args: object, *, doing: str) -> None:
        """One write statement, in autocommit mode: committed (durable) when this returns."""

        def write(db: sqlite3.Connection) -> None:
            db.execute(statement, args)  # type: ignore[arg-type]

        await self._thread.run(write, doing=doing)

    async def _load_cached(
        self,
        statement: str,
        args: tuple[object, ...],
        max_age_s: float,
        parse: Callable[[object], T],
    ) -> T | None:
        def query(db: sqlite3.Connection) -> T | None:
            row = db.execute(statement, args).fetchone()
            if row is None or not _is_fresh(row[1], max_age_s):
                return None
            return parse(_json(row[0], "listing"))

        return await self._thread.run(query, doing="read the listing cache")


if TYPE_CHECKING:  # mypy proves the class implements the ports

    def _implements_the_ports(
        repo: SqliteMetadataRepository,
    ) -> tuple[MetadataRepository, CredentialRepository, RemoteFileIdRepository]:
        return repo, repo, repo


def _record(row: tuple[object, ...]) -> FileRecord:
    return ser.file_record_from_dict(dict(zip(sql.RECORD_COLUMNS, row, strict=True)))


def _json(text: object, what: str) -> object:
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
