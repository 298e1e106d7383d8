"""One destination's partial file, written beside it in its own folder and renamed over it when
complete. All methods are synchronous, for `asyncio.to_thread`.

The partial has a stable name derived from the destination's, and a small note beside it says
which upstream file and version it holds and what the file host called the transfer (ETag or
Last-Modified). A later run that finds both, for the same file and version, continues from the
partial's end (the bytes already there are hashed first). The partial is locked while written,
so a second process syncing the same folder writes to a temp file of its own instead.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from contextlib import ExitStack, suppress
from pathlib import Path, PurePosixPath

from cpbatch.adapters.filesystem.folders import Folder, open_folder
from cpbatch.adapters.filesystem.layout import sweep_dead_temp_files, temp_name

PART_PREFIX = ".cpbatch-"
_READ_BUFFER = 1024 * 1024


def part_names(name: str) -> tuple[str, str]:
    """(partial, note) names for a destination called `name` (fixed length: `name` may already
    use all 255 bytes a file name may have)."""
    stem = PART_PREFIX + hashlib.sha256(name.encode()).hexdigest()[:24]
    return f"{stem}.partial", f"{stem}.json"


class PartOnDisk:
    def __init__(
        self, root: Path, relative: PurePosixPath, *, key: str, version: str, fsync: bool
    ) -> None:
        if not relative.parts or relative.is_absolute():
            raise ValueError("a destination is a path relative to its root")
        self._root = Path(root)
        self._folders, self.name = relative.parts[:-1], relative.parts[-1]
        self._key, self._version = key, version
        self._fsync = fsync
        self._partial, self._note = part_names(self.name)
        self._stack = ExitStack()
        self._folder: Folder | None = None
        self._fd: int | None = None
        self._resumable = True  # False when another process holds the stable partial
        self._failed = False  # a write failed: what is on disk may not match size and hash
        self._hash = hashlib.sha256()
        self.size = 0
        self.offset = 0
        self.validator: str | None = None

    def open(self, *, sweep: bool) -> None:
        """Nothing stays open when this raises."""
        try:
            self._open(sweep=sweep)
        except BaseException:
            self._close()
            raise

    def _open(self, *, sweep: bool) -> None:
        folder = self._stack.enter_context(open_folder(self._root, self._folders, create=True))
        self._folder = folder
        if sweep:
            sweep_dead_temp_files(folder)
        locked = _lock_stable(folder, self._partial)
        if locked is None:  # another process writes the stable partial: a temp file of our own
            self._resumable, self._partial = False, temp_name()
            self._fd = folder.create(self._partial, 0o666)
            return
        self._fd, created = locked
        note = None if created else self._read_note()  # a note without its partial: start over
        if note and note.get("key") == self._key and note.get("version") == self._version:
            validator = note.get("validator")
            self.validator = validator if isinstance(validator, str) else None
        if self.validator is None:
            self._truncate()
        else:
            self._hash_existing()
            self.offset = self.size

    def write(self, chunks: list[bytes]) -> None:
        """Append `chunks`. After a failed write the partial is not trusted any more: later
        writes fail too, and it is removed rather than kept for a later run."""
        fd = self._require_fd()
        if self._failed:
            raise OSError(errno.EIO, "an earlier write to this file failed")
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
                self.size += len(chunk)
        except BaseException:
            self._failed = True
            raise

    def digest(self, chunks: list[bytes]) -> None:
        """Add `chunks` to the file's sha256: the same chunks as `write`, in the same order,
        possibly on another thread while the next batch is written."""
        for chunk in chunks:
            self._hash.update(chunk)

    def restart(self) -> None:
        self._truncate()
        self.offset = 0

    def finish(self) -> tuple[str, int]:
        """Flush (when durable), rename over the destination, forget the note."""
        fd, folder = self._require_fd(), self._require_folder()
        if self._fsync:
            os.fsync(fd)
        folder.move(self._partial, folder, self.name)
        if self._resumable:
            with suppress(FileNotFoundError):
                folder.unlink(self._note)
        if self._fsync:
            folder.fsync()
        self._close()
        return self._hash.hexdigest(), self.size

    def keep_resumable(self, validator: str | None) -> None:
        """Note what the file host called this transfer, beside the partial, before its bytes
        arrive: a run killed mid-way leaves a partial the next run can continue."""
        if validator == self.validator:
            return
        self.validator = validator
        if not self._resumable:
            return  # the stable partial and its note are another process's
        if validator is not None:
            self._write_note(validator)
        else:
            with suppress(FileNotFoundError):
                self._require_folder().unlink(self._note)

    def abandon(self) -> None:
        """The run stopped early: keep the bytes for the next one when they can be continued
        (noted with a validator, something written, the stable partial), else remove them."""
        folder = self._folder
        if folder is None:
            return
        try:
            keep = self._resumable and not self._failed and self.validator is not None
            if not (keep and self.size > 0):
                with suppress(FileNotFoundError):
                    folder.unlink(self._partial)
                if self._resumable:
                    with suppress(FileNotFoundError):
                        folder.unlink(self._note)
        finally:
            self._close()

    def _truncate(self) -> None:
        fd = self._require_fd()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        self._hash, self.size, self.validator = hashlib.sha256(), 0, None
        self._failed = False
        if self._folder is not None and self._resumable:
            with suppress(FileNotFoundError):
                self._folder.unlink(self._note)

    def _hash_existing(self) -> None:
        fd = self._require_fd()
        os.lseek(fd, 0, os.SEEK_SET)
        while chunk := os.read(fd, _READ_BUFFER):
            self._hash.update(chunk)
            self.size += len(chunk)
        os.lseek(fd, 0, os.SEEK_END)

    def _read_note(self) -> dict[str, object] | None:
        folder = self._require_folder()
        try:
            fd = folder.open_read(self._note)
        except FileNotFoundError:
            return None
        try:
            raw = os.read(fd, 64 * 1024)
        finally:
            os.close(fd)
        try:
            note = json.loads(raw)
        except ValueError:
            return None  # a torn note: start the file again
        return note if isinstance(note, dict) else None

    def _write_note(self, validator: str) -> None:
        folder = self._require_folder()
        note = {"key": self._key, "version": self._version, "validator": validator}
        temp = temp_name()
        fd = folder.create(temp, 0o666)
        try:
            os.write(fd, json.dumps(note).encode())
            if self._fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        folder.move(temp, folder, self._note)

    def _require_fd(self) -> int:
        if self._fd is None:
            raise FileNotFoundError("the partial file is closed")
        return self._fd

    def _require_folder(self) -> Folder:
        if self._folder is None:
            raise FileNotFoundError("the destination folder is closed")
        return self._folder

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # also releases the lock
            self._fd = None
        self._folder = None
        self._stack.close()


def _lock_stable(folder: Folder, name: str, tries: int = 5) -> tuple[int, bool] | None:
    """The stable partial, open read-write and locked, and whether this call created it; None
    when another process holds it. Checked after locking: the file locked must still be the
    one under that name (another process may have renamed it into place, or replaced it,
    between our open and our lock; its lock ends when it closes the file)."""
    for _ in range(tries):
        fd, created = _open_or_create(folder, name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held, named = os.fstat(fd), folder.lstat(name)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        if named is not None and (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
            return fd, created
        os.close(fd)  # not the partial any more: open what the name holds now
    return None


def _open_or_create(folder: Folder, name: str, tries: int = 5) -> tuple[int, bool]:
    """Open the file, or create it: (descriptor, created). Another process may create or
    remove it between the two, so both are tried again a few times."""
    for _ in range(tries - 1):
        try:
            return folder.open_rw(name), False
        except FileNotFoundError:
            pass
        try:
            return folder.create_rw(name, 0o666), True
        except FileExistsError:
            pass
    return folder.open_rw(name), False
