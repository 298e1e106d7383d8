"""SqliteDatabase's bot tables (schema v2) beyond the contracts: in-place upgrade of
a v1 database, org codes compared lower-cased, strict reading of stored rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from cpbatch.adapters import serialization as ser
from cpbatch.adapters.sqlite import SqliteDatabase
from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.migrations import MIGRATIONS, migrate, schema_version
from cpbatch.domain.errors import StorageError, ValidationError
from support import storage_samples as make


def raw(path: Path, statement: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        return db.execute(statement, args).fetchall()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "metadata.sqlite3"


async def test_a_v1_database_is_upgraded_in_place_keeping_its_data(path: Path) -> None:
    record = make.record(1)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        assert migrate(db, MIGRATIONS[:1]) == 1  # what cpbatch wrote before the bot
        db.execute(sql.UPSERT_RECORD, ser.file_record_to_dict(record))
    async with await SqliteDatabase.open(path) as repo:
        assert await repo.file_records.get_records([record.key]) == {record.key: record}
        await repo.credentials.save_credential(1, "learnwell", b"ciphertext")
        await repo.remote_file_ids.save_remote_file_id("ab" * 32, "remote", part=1)
    with closing(sqlite3.connect(path)) as db:
        assert schema_version(db) == len(MIGRATIONS) >= 2
    assert raw(path, "SELECT user_id, org_code FROM credentials") == [(1, "learnwell")]
    assert raw(path, "SELECT part, remote_id FROM remote_file_ids") == [(1, "remote")]


async def test_org_codes_are_compared_lower_cased(path: Path) -> None:
    async with await SqliteDatabase.open(path) as repo:
        await repo.credentials.save_credential(1, " LearnWell ", b"x")
        assert await repo.credentials.load_credential(1, "learnwell") == b"x"
        assert await repo.credentials.credential_orgs(1) == ["learnwell"]
        assert await repo.credentials.delete_credentials(1, "LEARNWELL") == 1


async def test_a_garbled_stored_row_is_a_storage_error(path: Path) -> None:
    async with await SqliteDatabase.open(path) as repo:
        await repo.credentials.save_credential(1, "learnwell", b"x")
        await repo.remote_file_ids.save_remote_file_id("ab" * 32, "remote")
        raw(path, "UPDATE credentials SET ciphertext = 'text, not bytes'")
        raw(path, "UPDATE remote_file_ids SET remote_id = x'00ff'")
        with pytest.raises(StorageError, match="credential is malformed"):
            await repo.credentials.load_credential(1, "learnwell")
        with pytest.raises(StorageError, match="remote file id is malformed"):
            await repo.remote_file_ids.load_remote_file_id("ab" * 32)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("save_credential", (True, "learnwell", b"x")),
        ("save_credential", (1, "  ", b"x")),
        ("save_credential", (1, "learnwell", b"")),
        ("save_credential", (1, "learnwell", "plaintext")),
        ("save_remote_file_id", ("", "remote")),
        ("save_remote_file_id", ("ab" * 32, "")),
        ("load_remote_file_id", ("ab" * 32, -1)),
    ],
)
async def test_unusable_arguments_are_refused(path: Path, call: str, args: tuple) -> None:
    async with await SqliteDatabase.open(path) as repo:
        port = repo.credentials if "credential" in call else repo.remote_file_ids
        with pytest.raises(ValidationError):
            await getattr(port, call)(*args)
