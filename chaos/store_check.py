"""What cpbatch left on disk, checked independently of cpbatch: placed copies, records, blobs.

Layout (README): blobs at DATA_DIR/blobs/ab/cd/<sha256>, temp files in DATA_DIR/blobs/tmp,
records in the `file_records` table of DATA_DIR/metadata.sqlite3 (WAL mode), placed copies at
OUT/<org>/<course name> (<course id>)/<folders>/<name>, export temp files `.cpbatch-*.part`.
The database is never opened where cpbatch writes it: it is copied (with its WAL) first, or
opened read-only to count rows while a sync runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DIGEST = re.compile(r"[0-9a-f]{64}")
HASH_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Record:
    key: str
    file_id: int
    sha256: str
    size: int


def sha256_of(path: Path) -> str | None:
    """The file's sha256, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def metadata_path(data_dir: Path) -> Path:
    return data_dir / "metadata.sqlite3"


def blob_root(data_dir: Path) -> Path:
    return data_dir / "blobs"


def read_records(data_dir: Path) -> list[Record]:
    """Every committed record, from a copy of the database and its WAL (none: [])."""
    database = metadata_path(data_dir)
    if not database.exists():
        return []
    with tempfile.TemporaryDirectory(prefix="chaos-db-") as scratch:
        copy = Path(scratch) / database.name
        for suffix in ("", "-wal"):
            source = database.with_name(database.name + suffix)
            if source.exists():
                shutil.copyfile(source, copy.with_name(copy.name + suffix))
        db = sqlite3.connect(copy)
        try:
            if not _has_records_table(db):
                return []
            rows = db.execute("SELECT key, file_id, sha256, size FROM file_records").fetchall()
        finally:
            db.close()
    return [Record(str(k), int(f), str(s), int(n)) for k, f, s, n in rows]


def count_records_live(data_dir: Path) -> int:
    """Rows in file_records right now, read-only (0 while the database is not there yet)."""
    database = metadata_path(data_dir)
    if not database.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return 0
    try:
        if not _has_records_table(db):
            return 0
        return int(db.execute("SELECT count(*) FROM file_records").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def _has_records_table(db: sqlite3.Connection) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'file_records'"
    return db.execute(query).fetchone() is not None


def blob_path(data_dir: Path, sha256: str) -> Path:
    return blob_root(data_dir) / sha256[:2] / sha256[2:4] / sha256


def stored_blobs(data_dir: Path) -> dict[str, Path]:
    """Every file laid out as a blob (ab/cd/<sha256 starting abcd>), by name."""
    found: dict[str, Path] = {}
    root = blob_root(data_dir)
    if not root.is_dir():
        return found
    for path in root.glob("??/??/*"):
        name = path.name
        if (
            DIGEST.fullmatch(name)
            and name[:2] == path.parent.parent.name
            and name[2:4] == path.parent.name
            and path.is_file()
        ):
            found[name] = path
    return found


def temp_files(data_dir: Path) -> list[Path]:
    """Files in DATA_DIR/blobs/tmp (a put in flight, or the leftovers of a crash)."""
    temp = blob_root(data_dir) / "tmp"
    return sorted(p for p in temp.rglob("*") if p.is_file()) if temp.is_dir() else []


def partial_exports(output: Path) -> list[Path]:
    """Export temp files (`.cpbatch-*`) and any `.part` file under the output dir."""
    if not output.is_dir():
        return []
    return sorted(
        p
        for p in output.rglob("*")
        if p.is_file() and (p.name.startswith(".cpbatch-") or p.name.endswith(".part"))
    )


def placed_path(output: Path, entry: Mapping[str, Any]) -> Path | None:
    """Where a manifest entry is placed: OUT/<org>/<name> (<id>)/<folders>/<name>."""
    org_dir = output / str(entry["org_code"])
    suffix = (
        f"(batch {entry['batch_id']})"
        if entry.get("batch_source") == "batch"
        else f"({entry['batch_id']})"
    )
    if not org_dir.is_dir():
        return None
    for batch_dir in org_dir.iterdir():
        if batch_dir.is_dir() and batch_dir.name.endswith(suffix):
            return batch_dir.joinpath(*entry["folder_path"], entry["name"])
    return None


@dataclass
class StoreCheck:
    """Per manifest entry: is its placed copy right, is its record right, is its blob right;
    and what the store holds beyond that."""

    expected: int = 0
    ok_ids: set[int] = field(default_factory=set)
    output_missing: int = 0
    output_wrong: int = 0
    record_missing: int = 0
    record_wrong: int = 0
    blob_missing: int = 0
    blob_corrupt: int = 0
    orphan_blobs: int = 0
    records_without_blob: int = 0
    temp_files: int = 0
    partial_exports: int = 0

    @property
    def ok(self) -> int:
        return len(self.ok_ids)

    @property
    def lost_or_corrupted(self) -> int:
        return self.expected - self.ok


class _BlobHashes:
    """Each blob hashed at most once."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._hashes: dict[str, str | None] = {}

    def __call__(self, sha256: str) -> str | None:
        if sha256 not in self._hashes:
            path = blob_path(self._data_dir, sha256)
            self._hashes[sha256] = sha256_of(path) if path.is_file() else None
        return self._hashes[sha256]


def check_store(
    manifest: Iterable[Mapping[str, Any]],
    output: Path,
    data_dir: Path,
    *,
    skip_ids: Iterable[int] = (),
) -> StoreCheck:
    """Hash every placed copy and every recorded blob against the manifest's sha256."""
    skipped = set(skip_ids)
    entries = [e for e in manifest if int(e["file_id"]) not in skipped]
    records = read_records(data_dir)
    by_file = {r.file_id: r for r in records}
    blob_hash = _BlobHashes(data_dir)
    check = StoreCheck(expected=len(entries))
    for entry in entries:
        file_id, want = int(entry["file_id"]), str(entry["sha256"])
        good = True
        placed = placed_path(output, entry)
        if placed is None or not placed.is_file():
            check.output_missing += 1
            good = False
        elif sha256_of(placed) != want:
            check.output_wrong += 1
            good = False
        record = by_file.get(file_id)
        if record is None:
            check.record_missing += 1
            good = False
        elif record.sha256 != want or record.size != int(entry["size"]):
            check.record_wrong += 1
            good = False
        else:
            found = blob_hash(want)
            if found is None:
                check.blob_missing += 1
                good = False
            elif found != want:
                check.blob_corrupt += 1
                good = False
        if good:
            check.ok_ids.add(file_id)
    blobs = stored_blobs(data_dir)
    recorded = {r.sha256 for r in records}
    check.orphan_blobs = len(set(blobs) - recorded)
    check.records_without_blob = sum(1 for r in records if r.sha256 not in blobs)
    check.temp_files = len(temp_files(data_dir))
    check.partial_exports = len(partial_exports(output))
    return check


@dataclass(frozen=True)
class StoreAudit:
    """The checks of `cpbatch verify`, made here from the database and the blob folder."""

    records_checked: int
    missing: int  # records whose blob is not stored
    corrupt: int  # records whose blob does not hash to its name / has the wrong size
    orphan_blobs: int  # blobs no record points at

    @property
    def clean(self) -> bool:
        return self.missing == 0 and self.corrupt == 0 and self.orphan_blobs == 0


def audit_store(data_dir: Path) -> StoreAudit:
    records = read_records(data_dir)
    blobs = stored_blobs(data_dir)
    blob_hash = _BlobHashes(data_dir)
    missing = corrupt = 0
    for record in records:
        path = blobs.get(record.sha256)
        if path is None:
            missing += 1
        elif path.stat().st_size != record.size or blob_hash(record.sha256) != record.sha256:
            corrupt += 1
    orphans = len(set(blobs) - {r.sha256 for r in records})
    return StoreAudit(len(records), missing, corrupt, orphans)


def damage_blob(path: Path) -> None:
    """Flip one byte in the middle of a (read-only) blob, in place."""
    os.chmod(path, 0o644)
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(size // 2)
        byte = handle.read(1)
        handle.seek(size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]) if byte else b"\x00")
    os.chmod(path, 0o400)


def files_under(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in root.rglob("*") if p.is_file())
