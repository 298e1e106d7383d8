"""Where a blob lives under the store's root: root/ab/cd/<sha256>. Synchronous helpers."""

from __future__ import annotations

import os
import re
import uuid
from contextlib import suppress
from pathlib import Path

from cpbatch.domain.errors import ValidationError

TEMP_DIR = "tmp"
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FAN = re.compile(r"[0-9a-f]{2}")


def checked_digest(sha256: object) -> str:
    """The digest itself, if it is 64 lower-case hex characters (so never a path)."""
    if not isinstance(sha256, str) or not _DIGEST.fullmatch(sha256):
        raise ValidationError("A blob is named by its sha256: 64 lower-case hex characters.")
    return sha256


def blob_path(root: Path, sha256: str) -> Path:
    digest = checked_digest(sha256)
    return root / digest[:2] / digest[2:4] / digest


def digests_under(first_level: Path) -> list[str]:
    """The blobs under one first-level fan-out folder; anything not laid out as a blob is
    ignored (a temp file or a stray file is never mistaken for one)."""
    found: list[str] = []
    with os.scandir(first_level) as seconds:
        for second in seconds:
            if not (_FAN.fullmatch(second.name) and second.is_dir(follow_symlinks=False)):
                continue
            with os.scandir(second.path) as entries:
                found.extend(
                    entry.name
                    for entry in entries
                    if _DIGEST.fullmatch(entry.name)
                    and entry.name[:2] == first_level.name
                    and entry.name[2:4] == second.name
                    and entry.is_file(follow_symlinks=False)
                )
    return found


def first_levels(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    with os.scandir(root) as entries:
        return sorted(
            Path(entry.path)
            for entry in entries
            if _FAN.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        )


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable (a no-op where directories can't be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path, *, fsync: bool) -> None:
    """Create `path` and missing parents; with fsync, make each new entry durable."""
    if path.is_dir():
        return
    make_dirs(path.parent, fsync=fsync)
    try:
        path.mkdir()
    except FileExistsError:
        return  # created concurrently (another put): fine
    if fsync:
        fsync_dir(path.parent)


TEMP_PREFIX = ".cpbatch-"


def temp_name() -> str:
    """A temp file name that says which process owns it (see `left_by_dead_process`)."""
    return f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}.part"


def left_by_dead_process(name: str) -> bool:
    """True for our temp files whose owning process is gone (killed mid-write, say): they can
    never be completed, and no live writer can be holding them."""
    if not (name.startswith(TEMP_PREFIX) and name.endswith(".part")):
        return False
    pid_text = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a live process of another user
        return False
    return False


def sweep_dead_temp_files(directory: Path) -> int:
    """Remove temp files in `directory` left by processes that no longer exist."""
    removed = 0
    try:
        with os.scandir(directory) as listing:
            names = [entry.name for entry in listing if entry.is_file(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in names:
        if left_by_dead_process(name):
            with suppress(FileNotFoundError):
                os.unlink(directory / name)
                removed += 1
    return removed
