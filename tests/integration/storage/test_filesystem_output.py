"""FilesystemOutput: a sync's files written straight into the user's folder, on real files:
atomic placement, partials kept and continued across runs, never through a link."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path, PurePosixPath

import pytest

from cpbatch.adapters.filesystem.output import FilesystemOutput
from cpbatch.adapters.filesystem.part_file import part_names
from cpbatch.domain.errors import StorageError

NOTES = PurePosixPath("org/Physics (12)/Unit 1/notes.pdf")
BODY = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def output() -> FilesystemOutput:
    return FilesystemOutput(fsync=True, batch_bytes=64 * 1024)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def interrupted(
    output: FilesystemOutput, root: Path, data: bytes, *, version: str, validator: str | None
) -> None:
    """A run that writes `data`, then loses its connection."""
    async with output.placing(root, NOTES, key="k", version=version) as part:
        await part.keep_resumable(validator)
        await write(part, data)
        raise ConnectionError("reset mid-body")


async def write(part: object, data: bytes, step: int = 50_000) -> None:
    for start in range(0, len(data), step):
        await part.write(data[start : start + step])  # type: ignore[attr-defined]


async def test_a_file_appears_whole_under_its_name_with_its_hash(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        assert (part.offset, part.validator) == (0, None)
        await write(part, BODY)
        assert not (tmp_path / NOTES).exists()  # nothing under the real name until done
        stored = await part.finish()

    assert (tmp_path / NOTES).read_bytes() == BODY
    assert (stored.sha256, stored.size) == (hashlib.sha256(BODY).hexdigest(), len(BODY))
    assert entries((tmp_path / NOTES).parent) == ["notes.pdf"]
    assert await output.size_of(tmp_path, NOTES) == len(BODY)
    assert await output.fingerprint(tmp_path / NOTES) == (len(BODY), stored.sha256)


async def test_an_interrupted_file_is_kept_and_continued_by_the_next_run(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    with pytest.raises(ConnectionError):
        await interrupted(output, tmp_path, BODY[:300_000], version="v1", validator='"etag-1"')
    partial, note = part_names("notes.pdf")
    folder = (tmp_path / NOTES).parent
    assert entries(folder) == sorted([partial, note])
    assert json.loads((folder / note).read_text())["validator"] == '"etag-1"'

    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        assert (part.offset, part.validator) == (300_000, '"etag-1"')
        await write(part, BODY[300_000:])
        stored = await part.finish()

    assert (tmp_path / NOTES).read_bytes() == BODY
    assert stored.sha256 == hashlib.sha256(BODY).hexdigest()  # the whole file's, partial too
    assert entries(folder) == ["notes.pdf"]


KILLED_WRITER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path, PurePosixPath
    from cpbatch.adapters.filesystem.output import FilesystemOutput

    async def main() -> None:
        output = FilesystemOutput(fsync=False, batch_bytes=64 * 1024)
        body = bytes(range(256)) * 4096
        async with output.placing(
            Path(sys.argv[1]), PurePosixPath(sys.argv[2]), key="k", version="v1"
        ) as part:
            await part.keep_resumable('"etag-1"')
            for start in range(0, 600_000, 50_000):
                await part.write(body[start : start + 50_000])
            await asyncio.sleep(0.5)  # the batch in flight reaches the file
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


async def test_a_killed_run_leaves_a_partial_the_next_run_continues(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    """kill -9 runs no cleanup: the note must already be there, written before the bytes."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path), str(NOTES)], check=False
    )
    assert killed.returncode == -signal.SIGKILL

    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        # What was still batched in memory (under 64 KiB) died with the process.
        assert 600_000 - 64 * 1024 <= part.offset <= 600_000
        assert part.validator == '"etag-1"'
        await write(part, BODY[part.offset :])
        stored = await part.finish()
    assert stored.sha256 == hashlib.sha256(BODY).hexdigest()
    assert (tmp_path / NOTES).read_bytes() == BODY
    assert entries((tmp_path / NOTES).parent) == ["notes.pdf"]


async def test_a_partial_of_another_version_or_without_a_validator_is_not_continued(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    with pytest.raises(ConnectionError):
        await interrupted(output, tmp_path, b"old bytes", version="v1", validator='"etag-1"')

    async with output.placing(tmp_path, NOTES, key="k", version="v2") as part:
        assert (part.offset, part.validator) == (0, None)
        await write(part, b"new")
        await part.finish()
    assert (tmp_path / NOTES).read_bytes() == b"new"

    with pytest.raises(ConnectionError):  # no validator: cannot be continued safely
        await interrupted(output, tmp_path, b"unsure bytes", version="v3", validator=None)
    assert entries((tmp_path / NOTES).parent) == ["notes.pdf"]


async def test_restart_drops_what_was_there(output: FilesystemOutput, tmp_path: Path) -> None:
    with pytest.raises(ConnectionError):
        await interrupted(output, tmp_path, b"stale start", version="v1", validator='"etag-1"')

    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        await part.restart()  # the host sends the whole file again
        await write(part, BODY)
        stored = await part.finish()

    assert (tmp_path / NOTES).read_bytes() == BODY
    assert stored.size == len(BODY)


async def test_a_torn_note_starts_the_file_again(output: FilesystemOutput, tmp_path: Path) -> None:
    folder = (tmp_path / NOTES).parent
    folder.mkdir(parents=True)
    partial, note = part_names("notes.pdf")
    (folder / partial).write_bytes(b"garbage")
    (folder / note).write_text('{"key": "k", "vers')

    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        assert part.offset == 0
        await write(part, b"fresh")
        await part.finish()

    assert (tmp_path / NOTES).read_bytes() == b"fresh"


async def test_a_link_below_the_root_is_refused_and_nothing_lands_outside(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    root, elsewhere = tmp_path / "dir", tmp_path / "elsewhere"
    elsewhere.mkdir()
    root.mkdir()
    (root / "org").symlink_to(elsewhere)

    with pytest.raises(StorageError, match="symbolic link"):
        async with output.placing(root, NOTES, key="k", version="v1") as part:
            await part.finish()

    assert list(elsewhere.iterdir()) == []


async def test_two_writers_of_one_file_never_mix_their_bytes(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    gate = asyncio.Event()

    async def writer(data: bytes) -> None:
        async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
            await gate.wait()
            await write(part, data, step=1000)
            await part.finish()

    first = asyncio.create_task(writer(b"A" * 200_000))
    second = asyncio.create_task(writer(b"B" * 300_000))
    await asyncio.sleep(0.1)
    gate.set()
    await asyncio.gather(first, second)

    assert (tmp_path / NOTES).read_bytes() in (b"A" * 200_000, b"B" * 300_000)
    assert entries((tmp_path / NOTES).parent) == ["notes.pdf"]


async def test_a_link_at_the_file_itself_is_not_followed_when_fingerprinted(
    output: FilesystemOutput, tmp_path: Path
) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("not ours")
    (tmp_path / "notes.pdf").symlink_to(target)

    with pytest.raises(StorageError):
        await output.fingerprint(tmp_path / "notes.pdf")
    assert await output.fingerprint(tmp_path / "missing.pdf") is None


async def test_after_a_failed_write_the_partial_is_not_kept_for_a_later_run(
    output: FilesystemOutput, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are written in order by a thread while later ones wait: once one fails (a full
    disk), the later ones must not land after the gap, and nothing may be resumed from it."""
    import cpbatch.adapters.filesystem.part_file as part_file

    real_write, calls = os.write, [0]

    def failing_write(fd: int, data: object) -> int:
        calls[0] += 1
        if calls[0] == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)  # type: ignore[arg-type]

    async def fill_the_disk() -> None:
        async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
            await part.keep_resumable('"etag-1"')
            await write(part, BODY)
            await part.finish()

    monkeypatch.setattr(part_file.os, "write", failing_write)
    with pytest.raises(StorageError, match="No space left on device"):
        await fill_the_disk()
    monkeypatch.setattr(part_file.os, "write", real_write)

    assert entries((tmp_path / NOTES).parent) == []
    async with output.placing(tmp_path, NOTES, key="k", version="v1") as part:
        assert (part.offset, part.validator) == (0, None)
