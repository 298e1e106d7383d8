"""The stable partial when two syncs write one folder, or a run finds half of what an earlier
one left: a second writer never writes into a file already placed nor removes the first
writer's resume note, a note whose partial is gone starts the file over, and a start that
fails leaves nothing open."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from cpbatch.adapters.filesystem import part_file
from cpbatch.adapters.filesystem.output import FilesystemOutput
from cpbatch.adapters.filesystem.part_file import PartOnDisk, part_names
from cpbatch.domain.errors import StorageError

REL = PurePosixPath("org/c/notes.pdf")
BODY = b"A" * 100_000


def writer(root: Path, *, validator: str = '"etag"') -> PartOnDisk:
    disk = PartOnDisk(root, REL, key="k", version="v1", fsync=False)
    disk.open(sweep=False)
    disk.keep_resumable(validator)
    return disk


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_partial_placed_between_open_and_lock_is_not_written_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = writer(tmp_path)
    first.write([BODY])
    first.digest([BODY])
    real_flock = part_file.fcntl.flock
    calls: list[int] = []

    def flock(fd: int, operation: int) -> Any:
        calls.append(fd)
        if len(calls) == 1:  # the second writer opened the partial; the first places it now
            first.finish()
        return real_flock(fd, operation)

    monkeypatch.setattr(part_file.fcntl, "flock", flock)
    second = PartOnDisk(tmp_path, REL, key="k", version="v1", fsync=False)
    second.open(sweep=False)
    second.keep_resumable('"etag"')
    second.write([b"B" * 10])  # ...and is cut off
    second.abandon()

    assert (tmp_path / REL).read_bytes() == BODY


def test_a_second_writer_leaves_the_first_writers_note(tmp_path: Path) -> None:
    first = writer(tmp_path)
    first.write([b"x" * 1000])
    second = PartOnDisk(tmp_path, REL, key="k", version="v1", fsync=False)
    second.open(sweep=False)  # the stable partial is locked: a temp file of its own
    second.keep_resumable(None)
    second.abandon()
    fd = first._fd  # the first writer is killed: no clean-up of its own, its lock goes
    assert fd is not None
    os.close(fd)
    first._fd = None

    third = PartOnDisk(tmp_path, REL, key="k", version="v1", fsync=False)
    third.open(sweep=False)

    assert third.offset == 1000  # resumed where the killed writer stopped


def test_a_note_whose_partial_is_gone_starts_the_file_over(tmp_path: Path) -> None:
    first = writer(tmp_path)
    first.write([b"x" * 1000])
    first.abandon()  # kept for the next run: partial and note
    folder = tmp_path / REL.parent
    (folder / part_names(REL.name)[0]).unlink()  # the partial alone is deleted

    again = PartOnDisk(tmp_path, REL, key="k", version="v1", fsync=False)
    again.open(sweep=False)
    again.keep_resumable('"etag"')
    again.write([BODY])
    again.digest([BODY])
    again.finish()

    assert again.offset == 0
    assert (tmp_path / REL).read_bytes() == BODY


@pytest.mark.parametrize("plant", ["a link at the partial", "a folder at the note"])
async def test_a_start_that_fails_leaves_nothing_open(tmp_path: Path, plant: str) -> None:
    folder = tmp_path / REL.parent
    folder.mkdir(parents=True)
    partial, note = part_names(REL.name)
    if plant == "a link at the partial":
        (folder / partial).symlink_to("/etc/hostname")
    else:
        (folder / partial).write_bytes(b"x")
        (folder / note).mkdir()
    output = FilesystemOutput(fsync=False)
    before = open_fds()

    for _ in range(20):
        with pytest.raises(StorageError):
            async with output.placing(tmp_path, REL, key="k", version="v1"):
                pass

    assert open_fds() == before


def _place_again_and_again(root: Path, stop: Any, failures: Any) -> None:
    while not stop.is_set():
        disk = PartOnDisk(root, REL, key="k", version="v1", fsync=False)
        try:
            disk.open(sweep=False)
            disk.keep_resumable('"etag"')
            disk.write([BODY[:4096]])
            disk.finish()
        except OSError:
            failures.value += 1
            disk.abandon()


def test_two_processes_placing_one_file_never_share_a_partial(tmp_path: Path) -> None:
    """Real processes, no patching: one places the file over and over while this one keeps
    starting the same file, as a second sync would. This one never gets the placed file as
    its partial, and neither fails to start or finish."""
    context = multiprocessing.get_context("fork")
    stop, failures = context.Event(), context.Value("i", 0)
    other = context.Process(target=_place_again_and_again, args=(tmp_path, stop, failures))
    other.start()
    got_the_placed_file = errors = starts = 0
    try:
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            disk = PartOnDisk(tmp_path, REL, key="k", version="v1", fsync=False)
            starts += 1
            try:
                disk.open(sweep=False)
            except OSError:
                errors += 1
                continue
            try:
                held = os.fstat(disk._fd) if disk._fd is not None else None
                placed = (tmp_path / REL).stat() if (tmp_path / REL).exists() else None
                if held and placed and (held.st_dev, held.st_ino) == (placed.st_dev, placed.st_ino):
                    got_the_placed_file += 1
            except FileNotFoundError:
                pass  # placed again meanwhile
            finally:
                disk.abandon()
    finally:
        stop.set()
        other.join(timeout=30)
    assert starts > 100
    assert (got_the_placed_file, errors, failures.value) == (0, 0, 0)
