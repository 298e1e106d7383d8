"""Where a blob lives under the store's root: root/ab/cd/<sha256>. Synchronous helpers."""

from __future__ import annotations

import os
import re
import uuid
from contextlib import suppress
from pathlib import Path

from cpbatch.adapters.filesystem.folders import Folder
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


def fan_out(sha256: str) -> tuple[str, str]:
    """The two fan-out folders below the root that hold a blob (named by its digest)."""
    digest = checked_digest(sha256)
    return digest[:2], digest[2:4]


PRIVATE_FOLDER = 0o700  # the store's folders: only the user running cpbatch may look inside
PRIVATE_FILE = 0o600  # a blob being written
READ_ONLY_FILE = 0o400  # a finished blob


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


def sweep_dead_temp_files(folder: Folder) -> int:
    """Remove temp files in `folder` left by processes that no longer exist."""
    removed = 0
    for name in folder.files():
        if left_by_dead_process(name):
            with suppress(FileNotFoundError):
                folder.unlink(name)
                removed += 1
    return removed
