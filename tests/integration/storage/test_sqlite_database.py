"""What SqliteDatabase promises beyond the contract: schema upgrades, refusal of
newer databases, strict reading of what is stored, private files."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from cpbatch.adapters.sqlite import SqliteDatabase
from cpbatch.adapters.sqlite.migrations import MIGRATIONS, migrate, schema_version
from cpbatch.domain.errors import StorageError
from support import storage_samples as make

HOUR = 3600.0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "metadata.sqlite3"


@pytest.fixture
async def repo(path: Path) -> AsyncIterator[SqliteDatabase]:
    repo = await SqliteDatabase.open(path)
    yield repo
    await repo.close()


def raw(path: Path, statement: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        return db.execute(statement, args).fetchall()


async def test_a_new_database_is_private_current_and_in_wal_mode(
    repo: SqliteDatabase, path: Path
) -> None:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert raw(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]


async def test_an_empty_file_is_migrated(path: Path) -> None:
    path.touch()
    async with await SqliteDatabase.open(path) as repo:
        await repo.file_records.save_record(make.record(1))
    assert raw(path, "SELECT count(*) FROM file_records") == [(1,)]


async def test_an_older_schema_is_upgraded_keeping_its_data(path: Path) -> None:
    async with await SqliteDatabase.open(path) as repo:
        await repo.file_records.save_record(make.record(1))

    def v2(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE telegram_files (sha256 TEXT PRIMARY KEY, file_id TEXT)")

    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        assert migrate(db, (*MIGRATIONS, v2)) == len(MIGRATIONS) + 1
        assert schema_version(db) == len(MIGRATIONS) + 1
        assert db.execute("SELECT count(*) FROM telegram_files").fetchone() == (0,)
    assert raw(path, "SELECT key FROM file_records") == [(make.record(1).key,)]


async def test_a_failing_migration_leaves_the_last_complete_version(path: Path) -> None:
    async with await SqliteDatabase.open(path):
        pass

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("THIS IS NOT SQL")

    with closing(sqlite3.connect(path, isolation_level=None)) as db, pytest.raises(sqlite3.Error):
        migrate(db, (*MIGRATIONS, broken))
    assert raw(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw(path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []


async def test_a_database_from_a_newer_cpbatch_is_refused(path: Path) -> None:
    async with await SqliteDatabase.open(path):
        pass
    raw(path, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StorageError, match="created by a newer cpbatch"):
        await SqliteDatabase.open(path)


async def test_a_file_that_is_not_a_database_is_a_storage_error(path: Path) -> None:
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match=r"metadata\.sqlite3"):
        await SqliteDatabase.open(path)


@pytest.mark.parametrize("payload", ["not json {", "[]", '{"org": 5}', "null", '{"org": {}}'])
async def test_a_garbled_cached_listing_is_a_storage_error(
    repo: SqliteDatabase, path: Path, payload: str
) -> None:
    await repo.listing_cache.save_org_listing("tok:a", make.listing())
    await repo.listing_cache.save_batch_files("tok:a", make.batch(), [make.batch_file()])
    raw(path, "UPDATE org_listings SET payload = ?", (payload,))
    raw(path, "UPDATE batch_listings SET payload = ?", (payload,))
    with pytest.raises(StorageError, match="stored"):
        await repo.listing_cache.load_org_listing("tok:a", "abcde", HOUR)
    with pytest.raises(StorageError, match="stored"):
        await repo.listing_cache.load_batch_files("tok:a", make.batch(), HOUR)


async def test_a_garbled_record_row_is_a_storage_error(repo: SqliteDatabase, path: Path) -> None:
    await repo.file_records.save_record(make.record(1))
    raw(path, "UPDATE file_records SET recorded_at = 'yesterday-ish', size = 'big'")
    with pytest.raises(StorageError, match="file record is malformed"):
        await repo.file_records.get_records([make.record(1).key])
    with pytest.raises(StorageError, match="file record is malformed"):
        _ = [r async for r in repo.file_records.records()]


async def test_errors_name_the_field_never_the_stored_value(
    repo: SqliteDatabase, path: Path
) -> None:
    file = make.batch_file()
    await repo.listing_cache.save_batch_files("tok:a", file.batch, [file])
    payload = raw(path, "SELECT payload FROM batch_listings")[0][0]
    assert isinstance(payload, str)
    doc = json.loads(payload)
    del doc["files"][0]["locked"]
    raw(path, "UPDATE batch_listings SET payload = ?", (json.dumps(doc),))
    with pytest.raises(StorageError) as caught:
        await repo.listing_cache.load_batch_files("tok:a", file.batch, HOUR)
    assert "'locked' is missing" in str(caught.value)
    assert "sig=secret" not in str(caught.value)


async def test_sync_history_keeps_reports_newest_first(repo: SqliteDatabase) -> None:
    first, second = make.report(), make.report(make.org("other", 8))
    await repo.sync_history.record_sync(first)
    await repo.sync_history.record_sync(second)
    assert await repo.sync_history.recent_syncs() == [second, first]
    assert await repo.sync_history.recent_syncs("ABCDE") == [first]
    assert await repo.sync_history.recent_syncs(limit=1) == [second]


async def test_use_after_close_is_a_storage_error(repo: SqliteDatabase) -> None:
    await repo.close()
    await repo.close()
    with pytest.raises(StorageError, match="closed"):
        await repo.file_records.get_records(["x"])
