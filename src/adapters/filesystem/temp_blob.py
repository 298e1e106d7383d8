"""A blob being written: a uniquely named temp file filled from worker threads.

All methods are synchronous and meant for `asyncio.to_thread`. `discard` is safe at any
moment, even while another thread is still writing (a cancelled `to_thread` keeps running).
The temp folder and the fan-out folders are opened without following links (see `folders`),
and the file is private while written (0600), read-only once sealed (0400).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextlib import ExitStack, suppress
from pathlib import Path

from cpbatch.adapters.filesystem.folders import Folder, open_folder
from cpbatch.adapters.filesystem.layout import (
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    READ_ONLY_FILE,
    TEMP_DIR,
    fan_out,
    sweep_dead_temp_files,
    temp_name,
)


class TempBlob:
    """One put's temp file in `root/tmp`; hashes and counts what it writes."""

    def __init__(self, root: Path, *, fsync: bool) -> None:
        self.root = root
        self.name = temp_name()
        self.size = 0
        self._fsync = fsync
        self._hash = hashlib.sha256()
        self._folders = ExitStack()
        self._folder: Folder | None = None
        self._fd: int | None = None
        self._discarded = False
        self._lock = threading.Lock()

    def open(self) -> None:
        with self._lock:
            if self._discarded:
                return
            folder = self._folders.enter_context(
                open_folder(self.root, (TEMP_DIR,), create=True, mode=PRIVATE_FOLDER)
            )
            self._fd = folder.create(self.name, PRIVATE_FILE)
            self._folder = folder

    def write(self, chunks: list[bytes]) -> None:
        with self._lock:
            if self._fd is None:
                return  # discarded meanwhile
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._fd, view) :]
                self._hash.update(chunk)
                self.size += len(chunk)

    def seal(self) -> str:
        """Flush, close and make read-only; return the sha256."""
        with self._lock:
            if self._fd is None:
                raise FileNotFoundError("the temp file was discarded")
            fd, self._fd = self._fd, None
            try:
                if self._fsync:
                    os.fsync(fd)
                os.fchmod(fd, READ_ONLY_FILE)
            finally:
                os.close(fd)
            return self._hash.hexdigest()

    def commit(self, sha256: str) -> bool:
        """Move the sealed temp file into place under its digest (atomically); False when a
        blob was already there. It is replaced all the same: these bytes were just hashed, an
        old copy might have been damaged on disk, and replacing identical content changes
        nothing for readers."""
        # No directory flush: the data was flushed in seal(), so a power cut can at worst undo
        # this rename, leaving the blob missing (seen by stat, downloaded again), never wrong.
        # One flush per blob instead of three made small-file syncs several times faster.
        with self._lock:
            if self._folder is None:
                raise FileNotFoundError("the temp file was discarded")
            with open_folder(self.root, fan_out(sha256), create=True, mode=PRIVATE_FOLDER) as final:
                existed = final.lstat(sha256) is not None
                self._folder.move(self.name, final, sha256)
            self._close_folder()
            return not existed

    def discard(self) -> None:
        """Close and delete the temp file; waits for an in-flight write to finish first."""
        with self._lock:
            self._discarded = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if self._folder is not None:
                with suppress(FileNotFoundError):
                    self._folder.unlink(self.name)
            self._close_folder()

    def _close_folder(self) -> None:
        self._folder = None
        self._folders.close()


def sweep_stale(root: Path, max_age_s: float) -> int:
    """Delete temp files in `root/tmp` left by a crash: those of processes that no longer
    exist at once, any other older than max_age_s; return how many."""
    try:
        with open_folder(root, (TEMP_DIR,), create=False) as folder:
            removed = sweep_dead_temp_files(folder)
            cutoff = time.time() - max_age_s
            for entry in folder.entries():
                with suppress(FileNotFoundError):
                    if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                        folder.unlink(entry.name)
                        removed += 1
            return removed
    except FileNotFoundError:
        return 0
