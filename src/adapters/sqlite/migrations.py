"""The schema, as an ordered list of migrations; `PRAGMA user_version` counts those applied.

Append new migrations at the end (never edit a released one): a database at version N gets
migrations N+1.. applied, each in its own transaction, when it is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

import structlog

from cpbatch.adapters.sqlite.connection import transaction
from cpbatch.domain.errors import StorageError

log = structlog.get_logger(__name__)
Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE file_records (
            key TEXT PRIMARY KEY,
            file_id INTEGER NOT NULL,
            version TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            name TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX file_records_sha256 ON file_records (sha256)")
    db.execute(
        """CREATE TABLE org_listings (
            principal TEXT NOT NULL,
            org_code TEXT NOT NULL,
            payload TEXT NOT NULL,
            fetched_at REAL NOT NULL,
            PRIMARY KEY (principal, org_code)
        )"""
    )
    db.execute(
        """CREATE TABLE batch_listings (
            principal TEXT NOT NULL,
            org_id INTEGER NOT NULL,
            batch_key TEXT NOT NULL,
            payload TEXT NOT NULL,
            fetched_at REAL NOT NULL,
            PRIMARY KEY (principal, org_id, batch_key)
        )"""
    )
    db.execute(
        """CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            org_code TEXT NOT NULL,
            finished_at REAL NOT NULL,
            report TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX sync_runs_org ON sync_runs (org_code, finished_at)")


def _v2_bot_tables(db: sqlite3.Connection) -> None:
    """The bot's tables: encrypted tokens per chat user and org (ciphertext only), and the
    chat service's ids of uploaded blobs, per part."""
    db.execute(
        """CREATE TABLE credentials (
            user_id INTEGER NOT NULL,
            org_code TEXT NOT NULL,
            ciphertext BLOB NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (user_id, org_code)
        )"""
    )
    db.execute(
        """CREATE TABLE remote_file_ids (
            sha256 TEXT NOT NULL,
            part INTEGER NOT NULL,
            remote_id TEXT NOT NULL,
            saved_at REAL NOT NULL,
            PRIMARY KEY (sha256, part)
        )"""
    )


def _v3_placements(db: sqlite3.Connection) -> None:
    """What syncs wrote into the user's folders, by absolute path: the record of the file as
    written there (a sync writes each file once, there)."""
    db.execute(
        """CREATE TABLE placements (
            path TEXT PRIMARY KEY,
            key TEXT NOT NULL,
            file_id INTEGER NOT NULL,
            version TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            name TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )"""
    )


def _v4_watch(db: sqlite3.Connection) -> None:
    """Watching batches: subscriptions, one schedule per watched batch, the delivery log
    (user, file id, version), and each user's quiet hours."""
    db.execute(
        """CREATE TABLE watch_subscriptions (
            user_id INTEGER NOT NULL,
            org_code TEXT NOT NULL,
            batch_key TEXT NOT NULL,
            chat_id INTEGER NOT NULL,
            batch_name TEXT NOT NULL,
            created_at REAL NOT NULL,
            status TEXT NOT NULL,
            paused_principal TEXT,
            PRIMARY KEY (user_id, org_code, batch_key)
        )"""
    )
    db.execute(
        "CREATE INDEX watch_subscriptions_batch ON watch_subscriptions (org_code, batch_key)"
    )
    db.execute(
        """CREATE TABLE watch_schedules (
            org_code TEXT NOT NULL,
            batch_key TEXT NOT NULL,
            next_check_at REAL NOT NULL,
            last_check_at REAL,
            failures INTEGER NOT NULL,
            PRIMARY KEY (org_code, batch_key)
        )"""
    )
    db.execute("CREATE INDEX watch_schedules_due ON watch_schedules (next_check_at)")
    db.execute(
        """CREATE TABLE watch_deliveries (
            user_id INTEGER NOT NULL,
            file_id INTEGER NOT NULL,
            version TEXT NOT NULL,
            state TEXT NOT NULL,
            message_id INTEGER,
            attempts INTEGER NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (user_id, file_id, version)
        )"""
    )
    db.execute(
        """CREATE TABLE watch_preferences (
            user_id INTEGER PRIMARY KEY,
            quiet_start INTEGER NOT NULL,
            quiet_end INTEGER NOT NULL,
            zone TEXT NOT NULL
        )"""
    )


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _v2_bot_tables,
    _v3_placements,
    _v4_watch,
)


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the schema up to date; return the version now in place.

    Raises StorageError for a database written by a newer cpbatch (it knows tables this one
    does not, so this one must not touch it). A failing migration leaves the database at the
    last version fully applied."""
    version = schema_version(db)
    if version > len(migrations):
        where = db.execute("PRAGMA database_list").fetchone()[2]
        raise StorageError(
            f"The metadata database {where} was created by a newer cpbatch "
            f"(schema {version}; this one knows up to {len(migrations)}): upgrade cpbatch."
        )
    for number, step in enumerate(migrations[version:], start=version + 1):
        with transaction(db):
            if schema_version(db) >= number:
                continue  # another process migrated meanwhile
            step(db)
            # PRAGMA takes no parameters; `number` is an int we computed.
            db.execute(f"PRAGMA user_version = {int(number)}")
        log.debug("sqlite_schema_migrated", version=number)
    return len(migrations)
