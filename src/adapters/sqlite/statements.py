"""The SQL the repository runs. Every value is a bound parameter; nothing is interpolated
except '?' placeholders and these constant fragments."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

KEYS_PER_QUERY = 500  # below the bound-variable limit (999, see connection.py)
PAGE_SIZE = 500
RECORD_COLUMNS = ("key", "file_id", "version", "sha256", "size", "name", "recorded_at")
# The columns of RECORD_COLUMNS, in that order.
_SELECT_RECORDS = "SELECT key, file_id, version, sha256, size, name, recorded_at FROM file_records"

# Upserts, not INSERT OR REPLACE: replacing a row would delete rows that reference it.
UPSERT_RECORD = (
    "INSERT INTO file_records (key, file_id, version, sha256, size, name, recorded_at) "
    "VALUES (:key, :file_id, :version, :sha256, :size, :name, :recorded_at) "
    "ON CONFLICT (key) DO UPDATE SET file_id = excluded.file_id, version = excluded.version, "
    "sha256 = excluded.sha256, size = excluded.size, name = excluded.name, "
    "recorded_at = excluded.recorded_at"
)
DELETE_RECORD = "DELETE FROM file_records WHERE key = ?"

PLACEMENT_COLUMNS = ("path", *RECORD_COLUMNS)
_SELECT_PLACEMENTS = (
    "SELECT path, key, file_id, version, sha256, size, name, recorded_at FROM placements"
)
UPSERT_PLACEMENT = (
    "INSERT INTO placements (path, key, file_id, version, sha256, size, name, recorded_at) "
    "VALUES (:path, :key, :file_id, :version, :sha256, :size, :name, :recorded_at) "
    "ON CONFLICT (path) DO UPDATE SET key = excluded.key, file_id = excluded.file_id, "
    "version = excluded.version, sha256 = excluded.sha256, size = excluded.size, "
    "name = excluded.name, recorded_at = excluded.recorded_at"
)
DELETE_PLACEMENT = "DELETE FROM placements WHERE path = ?"

SELECT_ORG_LISTING = (
    "SELECT payload, fetched_at FROM org_listings WHERE principal = ? AND org_code = ?"
)
UPSERT_ORG_LISTING = (
    "INSERT INTO org_listings (principal, org_code, payload, fetched_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (principal, org_code) DO UPDATE SET "
    "payload = excluded.payload, fetched_at = excluded.fetched_at"
)
SELECT_BATCH_LISTING = (
    "SELECT payload, fetched_at FROM batch_listings "
    "WHERE principal = ? AND org_id = ? AND batch_key = ?"
)
UPSERT_BATCH_LISTING = (
    "INSERT INTO batch_listings (principal, org_id, batch_key, payload, fetched_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (principal, org_id, batch_key) DO UPDATE SET "
    "payload = excluded.payload, fetched_at = excluded.fetched_at"
)

INSERT_SYNC_RUN = "INSERT INTO sync_runs (org_code, finished_at, report) VALUES (?, ?, ?)"
SELECT_RECENT_SYNCS = (
    "SELECT report FROM sync_runs WHERE ? IS NULL OR org_code = ? "
    "ORDER BY finished_at DESC, id DESC LIMIT ?"
)

# The bot's tables (schema v2). Org codes arrive lower-cased.
UPSERT_CREDENTIAL = (
    "INSERT INTO credentials (user_id, org_code, ciphertext, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id, org_code) DO UPDATE SET "
    "ciphertext = excluded.ciphertext, updated_at = excluded.updated_at"
)
SELECT_CREDENTIAL = "SELECT ciphertext FROM credentials WHERE user_id = ? AND org_code = ?"
DELETE_CREDENTIAL = "DELETE FROM credentials WHERE user_id = ? AND org_code = ?"
DELETE_CREDENTIALS_OF_USER = "DELETE FROM credentials WHERE user_id = ?"
SELECT_CREDENTIAL_ORGS = "SELECT org_code FROM credentials WHERE user_id = ? ORDER BY org_code"

UPSERT_REMOTE_FILE_ID = (
    "INSERT INTO remote_file_ids (sha256, part, remote_id, saved_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (sha256, part) DO UPDATE SET "
    "remote_id = excluded.remote_id, saved_at = excluded.saved_at"
)
SELECT_REMOTE_FILE_ID = "SELECT remote_id FROM remote_file_ids WHERE sha256 = ? AND part = ?"


def record_rows_for(db: sqlite3.Connection, keys: Sequence[str]) -> list[tuple[object, ...]]:
    """Rows for these keys, in IN-lists of KEYS_PER_QUERY (thousands of keys are fine)."""
    rows: list[tuple[object, ...]] = []
    for start in range(0, len(keys), KEYS_PER_QUERY):
        part = keys[start : start + KEYS_PER_QUERY]
        marks = ",".join("?" * len(part))
        rows.extend(db.execute(f"{_SELECT_RECORDS} WHERE key IN ({marks})", part))
    return rows


def record_rows_after(db: sqlite3.Connection, after: str | None) -> list[tuple[object, ...]]:
    """One page of rows in key order, starting after `after` (keyset pagination)."""
    if after is None:
        return db.execute(f"{_SELECT_RECORDS} ORDER BY key LIMIT ?", (PAGE_SIZE,)).fetchall()
    sql = f"{_SELECT_RECORDS} WHERE key > ? ORDER BY key LIMIT ?"
    return db.execute(sql, (after, PAGE_SIZE)).fetchall()


def placement_rows_for(db: sqlite3.Connection, paths: Sequence[str]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for start in range(0, len(paths), KEYS_PER_QUERY):
        part = paths[start : start + KEYS_PER_QUERY]
        marks = ",".join("?" * len(part))
        rows.extend(db.execute(f"{_SELECT_PLACEMENTS} WHERE path IN ({marks})", part))
    return rows


def placement_rows_after(db: sqlite3.Connection, after: str | None) -> list[tuple[object, ...]]:
    if after is None:
        return db.execute(f"{_SELECT_PLACEMENTS} ORDER BY path LIMIT ?", (PAGE_SIZE,)).fetchall()
    sql = f"{_SELECT_PLACEMENTS} WHERE path > ? ORDER BY path LIMIT ?"
    return db.execute(sql, (after, PAGE_SIZE)).fetchall()
