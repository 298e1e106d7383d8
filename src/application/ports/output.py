"""The port to the user's folders: a file written where it belongs, once, resumable.

A sync writes each file straight into place: its bytes go to a partial file beside the
destination, are hashed on the way, and the partial is renamed over the destination only when
complete. A partial that was left (a failed run, a killed process) is continued by the next
run when the file is still the same upstream version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path, PurePosixPath
from typing import Protocol

from cpbatch.domain.models import StoredFile


class PartFile(Protocol):
    """A file being written. Leaving its context without `finish` keeps the bytes written so
    far for a later run (when `keep_resumable` was given a validator) or removes them."""

    @property
    def offset(self) -> int:
        """Bytes already there from an earlier run (0 for a new file): continue from here."""
        ...

    @property
    def validator(self) -> str | None:
        """What the file host called that earlier transfer (ETag or Last-Modified), to ask
        for the rest of the same file only (If-Range)."""
        ...

    async def restart(self) -> None:
        """Drop what was there: the host sends the whole file again."""
        ...

    async def write(self, chunk: bytes) -> None: ...

    async def keep_resumable(self, validator: str | None) -> None:
        """Note the validator of this transfer beside the bytes now, before they arrive, so
        that a later run continues them even when this one is killed (None: it cannot be
        continued, the bytes go when the run stops early)."""
        ...

    async def finish(self) -> StoredFile:
        """Hash and size of the whole file, now in place at its destination (atomically: a
        reader sees the old file or the new one, never a part). Raises StorageError."""
        ...


class FileOutput(Protocol):
    def placing(
        self, root: Path, relative: PurePosixPath, *, key: str, version: str
    ) -> AbstractAsyncContextManager[PartFile]:
        """Write `root/relative` (never outside `root`; a symbolic link below it is refused
        with StorageError). Resumes what an earlier run left for the same key and version."""
        ...

    def read(self, root: Path, relative: PurePosixPath) -> AsyncIterator[bytes]:
        """The bytes at `root/relative` (StorageError if it cannot be read)."""
        ...

    async def fingerprint(self, path: Path) -> tuple[int, str] | None:
        """Size and sha256 of the file at `path` (a link there is not followed), or None when
        there is no file. Raises StorageError when it cannot be read."""
        ...

    async def size_of(self, root: Path, relative: PurePosixPath) -> int | None:
        """The size of what is at `root/relative` now, or None when nothing is there."""
        ...
