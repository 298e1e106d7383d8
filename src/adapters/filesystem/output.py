"""FilesystemOutput: the FileOutput port on the user's folders (see part_file)."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import stat
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import TypeVar

from cpbatch.adapters.filesystem.folders import open_folder
from cpbatch.adapters.filesystem.part_file import PartOnDisk
from cpbatch.domain.errors import StorageError
from cpbatch.domain.models import StoredFile

T = TypeVar("T")
MIB = 1024 * 1024


class FilesystemOutput:
    """`fsync`: flush each file before it is renamed into place (a power cut then loses at
    most the files being written); without it the kernel writes them back in its own time, as
    curl and browsers leave their downloads."""

    def __init__(self, *, fsync: bool, batch_bytes: int = MIB, lanes: int = 4) -> None:
        self._fsync = fsync
        self._batch_bytes = batch_bytes
        self._swept: set[tuple[Path, tuple[str, ...]]] = set()
        self._lanes = _Lanes(lanes)

    @asynccontextmanager
    async def placing(
        self, root: Path, relative: PurePosixPath, *, key: str, version: str
    ) -> AsyncIterator[PlacingFile]:
        disk = PartOnDisk(root, relative, key=key, version=version, fsync=self._fsync)
        folder = (Path(root), relative.parts[:-1])
        sweep = folder not in self._swept
        self._swept.add(folder)
        await _disk(disk.open, f"start {relative}", sweep=sweep)
        handle = PlacingFile(disk, relative, self._batch_bytes, self._lanes.next())
        try:
            yield handle
        finally:
            if not handle.finished:
                # Shielded: a cancelled run must still leave either a note or nothing.
                with suppress(BaseException):
                    await asyncio.shield(handle.abandon())

    async def read(self, root: Path, relative: PurePosixPath) -> AsyncIterator[bytes]:
        fd = await _disk(_open_placed, f"open {relative}", Path(root), relative)
        try:
            while chunk := await _disk(os.read, f"read {relative}", fd, MIB):
                yield chunk
        finally:
            os.close(fd)

    async def fingerprint(self, path: Path) -> tuple[int, str] | None:
        return await _disk(_fingerprint, f"read {path}", Path(path))

    async def size_of(self, root: Path, relative: PurePosixPath) -> int | None:
        return await _disk(_size_of, f"look at {relative}", Path(root), relative)


class PlacingFile:
    """Implements PartFile: writes batched to about 1 MiB and handed, in order, to a writer
    thread and a hashing thread (both release the GIL, so they run side by side) while the next
    bytes arrive; up to `MAX_IN_FLIGHT` batches wait for them, so the network is not paused
    while the disk catches up (nor memory unbounded)."""

    MAX_IN_FLIGHT = 4

    def __init__(
        self, disk: PartOnDisk, relative: PurePosixPath, batch_bytes: int, lane: _Lane
    ) -> None:
        self._disk = disk
        self._relative = relative
        self._batch_bytes = batch_bytes
        self._writer, self._hasher = lane
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._flights: deque[asyncio.Future[None]] = deque()
        self.finished = False

    @property
    def offset(self) -> int:
        return self._disk.offset

    @property
    def validator(self) -> str | None:
        return self._disk.validator

    async def keep_resumable(self, validator: str | None) -> None:
        await _disk(self._disk.keep_resumable, f"start {self._relative}", validator)

    async def restart(self) -> None:
        await self._drain()
        await _disk(self._disk.restart, f"restart {self._relative}")

    async def write(self, chunk: bytes) -> None:
        self._pending.append(chunk)
        self._pending_size += len(chunk)
        if self._pending_size >= self._batch_bytes:
            while len(self._flights) >= self.MAX_IN_FLIGHT:
                await self._land(self._flights.popleft())
            self._send_pending()

    async def finish(self) -> StoredFile:
        await self._drain()
        sha256, size = await _disk(self._disk.finish, f"place {self._relative}")
        self.finished = True
        return StoredFile(sha256=sha256, size=size, location=str(self._relative))

    async def abandon(self) -> None:
        """Keep what arrived (written out first) for a later run, or remove it."""
        with suppress(StorageError):
            await self._drain()
        await asyncio.to_thread(self._disk.abandon)

    def _send_pending(self) -> None:
        batch, self._pending, self._pending_size = self._pending, [], 0
        loop = asyncio.get_running_loop()
        written = loop.run_in_executor(self._writer, self._disk.write, batch)
        hashed = loop.run_in_executor(self._hasher, self._disk.digest, batch)
        self._flights.append(asyncio.ensure_future(_both(written, hashed)))

    async def _drain(self) -> None:
        """Every batch written and hashed, in order."""
        if self._pending:
            self._send_pending()
        while self._flights:
            await self._land(self._flights.popleft())

    async def _land(self, flight: asyncio.Future[None]) -> None:
        """Wait for one batch; when cancelled meanwhile, still let every batch in flight end
        before the file is closed (the thread writes to its descriptor)."""
        try:
            await asyncio.shield(flight)
        except OSError as exc:
            self._flights.appendleft(_done())
            await self._settle()
            reason = exc.strerror or type(exc).__name__
            raise StorageError(f"Could not write {self._relative}: {reason}.") from None
        except asyncio.CancelledError:
            self._flights.appendleft(flight)
            await self._settle()
            raise

    async def _settle(self) -> None:
        flights, self._flights = list(self._flights), deque()
        with suppress(BaseException):
            await asyncio.shield(asyncio.gather(*flights, return_exceptions=True))


_Lane = tuple[ThreadPoolExecutor, ThreadPoolExecutor]


class _Lanes:
    """Writer and hashing threads shared by the files being placed, started once: a file's
    batches all go to one lane of single threads, so they are written and hashed in order."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._lanes: list[_Lane] = []
        self._turn = 0

    def next(self) -> _Lane:
        if not self._lanes:
            self._lanes = [
                (
                    ThreadPoolExecutor(1, thread_name_prefix=f"cpbatch-write-{n}"),
                    ThreadPoolExecutor(1, thread_name_prefix=f"cpbatch-hash-{n}"),
                )
                for n in range(self._count)
            ]
        self._turn = (self._turn + 1) % self._count
        return self._lanes[self._turn]


async def _both(written: asyncio.Future[None], hashed: asyncio.Future[None]) -> None:
    """A batch is done when both threads are; a write error wins."""
    for outcome in await asyncio.gather(written, hashed, return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


def _done() -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def _open_placed(root: Path, relative: PurePosixPath) -> int:
    with open_folder(root, relative.parts[:-1], create=False) as folder:
        return folder.open_read(relative.parts[-1])


def _fingerprint(path: Path) -> tuple[int, str] | None:
    try:
        # Non-blocking: a named pipe there must not hang the open (nor then be read).
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    digest, size = hashlib.sha256(), 0
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        while chunk := os.read(fd, MIB):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return size, digest.hexdigest()


def _size_of(root: Path, relative: PurePosixPath) -> int | None:
    try:
        with open_folder(root, relative.parts[:-1], create=False) as folder:
            found = folder.lstat(relative.parts[-1])
    except FileNotFoundError:
        return None
    return None if found is None else found.st_size


async def _disk(fn: Callable[..., T], doing: str, *args: object, **kwargs: object) -> T:
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StorageError(f"Could not {doing}: {reason}.") from None
