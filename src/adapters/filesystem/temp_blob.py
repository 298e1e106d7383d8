"""A blob being written: a uniquely named temp file filled from worker threads.

All methods are synchronous and meant for `asyncio.to_thread`. `discard` is safe at any
moment, even while another thread is still writing (a cancelled `to_thread` keeps running).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from cpbatch.adapters.filesystem.layout import make_dirs, sweep_dead_temp_files, temp_name

READ_ONLY = 0o444


class TempBlob:
    """One put's temp file in `root/tmp`; hashes and counts what it writes."""

    def __init__(self, temp_dir: Path, *, fsync: bool) -> None:
        self.path = temp_dir / temp_name()
        self.size = 0
        self._fsync = fsync
        self._hash = hashlib.sha256()
        self._file: BinaryIO | None = None
        self._discarded = False
        self._lock = threading.Lock()

    def open(self) -> None:
        with self._lock:
            if not self._discarded:
                make_dirs(self.path.parent, fsync=False)
                self._file = open(self.path, "xb")  # noqa: SIM115 - closed by seal/discard

    def write(self, chunks: list[bytes]) -> None:
        with self._lock:
            if self._file is None:
                return  # discarded meanwhile
            for chunk in chunks:
                self._file.write(chunk)
                self._hash.update(chunk)
                self.size += len(chunk)

    def seal(self) -> str:
        """Flush, fsync, close and make read-only; return the sha256."""
        with self._lock:
            if self._file is None:
                raise FileNotFoundError("the temp file was discarded")
            self._file.flush()
            if self._fsync:
                os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            os.chmod(self.path, READ_ONLY)
            return self._hash.hexdigest()

    def commit(self, final: Path) -> bool:
        """Move the sealed temp file to `final` (atomically); False when a blob was already
        there. It is replaced all the same: these bytes were just hashed, an old copy might have
        been damaged on disk, and replacing identical content changes nothing for readers."""
        # No directory flush: the data was flushed in seal(), so a power cut can at worst undo
        # this rename, leaving the blob missing (seen by stat, downloaded again), never wrong.
        # One flush per blob instead of three made small-file syncs several times faster.
        make_dirs(final.parent, fsync=False)
        existed = final.exists()
        os.replace(self.path, final)
        return not existed

    def discard(self) -> None:
        """Close and delete the temp file; waits for an in-flight write to finish first."""
        with self._lock:
            self._discarded = True
            if self._file is not None:
                self._file.close()
                self._file = None
            with suppress(FileNotFoundError):
                os.unlink(self.path)


def sweep_stale(temp_dir: Path, max_age_s: float) -> int:
    """Delete temp files left by a crash: those of processes that no longer exist at once, any
    other older than max_age_s; return how many."""
    removed = sweep_dead_temp_files(temp_dir)
    cutoff = time.time() - max_age_s
    try:
        with os.scandir(temp_dir) as listing:
            entries = list(listing)
    except FileNotFoundError:
        return 0
    for entry in entries:
        with suppress(FileNotFoundError):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
    return removed
