"""A sync into a folder writes each file once, there: no second copy in the store (unless the
store of record is elsewhere, as GridFS), and a transfer that stopped is continued by the next
run from where it stopped, when the file is still the same upstream."""

import asyncio
import hashlib
import os
from pathlib import Path

import pytest

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.errors import DownloadFailedError, ValidationError
from cpbatch.domain.models import Placement, SyncReport
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
NOTES = bytes(range(256)) * 40  # 10 KiB
ALGEBRA = b"x + y = z" * 100


@pytest.fixture
def app() -> Services:
    gateway = FakeClassPlus(chunk_size=1024)
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    gateway.add_file(physics, 101, "notes.pdf", NOTES, folders=("Unit 1",))
    gateway.add_file(maths, 201, "algebra.pdf", ALGEBRA)
    gateway.grant(ALICE, physics, maths)
    return build_services(gateway)


async def sync(app: Services, folder: Path, **options: object) -> SyncReport:
    use_case = app.sync_org(**options)
    return await use_case.execute(SyncRequest(ALICE, "demo", destination=folder))


def notes_in(folder: Path) -> Path:
    return folder / "demo" / "Physics (12)" / "Unit 1" / "notes.pdf"


async def test_each_file_is_written_once_into_the_folder_and_nowhere_else(
    app: Services, tmp_path: Path
) -> None:
    report = await sync(app, tmp_path)

    assert report.downloaded == 2
    assert notes_in(tmp_path).read_bytes() == NOTES
    assert app.store.blobs == {}  # no second copy
    assert app.repository.file_records == {}  # records describe stored blobs only
    placed = app.repository.placed[str(notes_in(tmp_path))]
    assert placed.record.sha256 == hashlib.sha256(NOTES).hexdigest()
    assert placed.record.size == len(NOTES)
    assert [p.name for p in notes_in(tmp_path).parent.iterdir()] == ["notes.pdf"]


async def test_a_resync_leaves_placed_files_and_downloads_nothing(
    app: Services, tmp_path: Path
) -> None:
    await sync(app, tmp_path)
    served = app.gateway.bytes_served

    again = await sync(app, tmp_path)

    assert (again.downloaded, again.skipped) == (0, 2)
    assert app.gateway.bytes_served == served


async def test_with_a_remote_store_of_record_each_file_is_also_kept_there_and_restored_from_it(
    app: Services, tmp_path: Path
) -> None:
    await sync(app, tmp_path, keep_copies=True)
    assert sorted(app.store.blobs.values()) == sorted([NOTES, ALGEBRA])
    notes_in(tmp_path).unlink()
    opens = app.gateway.total_opens

    report = await sync(app, tmp_path, keep_copies=True)

    assert (report.downloaded, report.skipped) == (0, 2)
    assert notes_in(tmp_path).read_bytes() == NOTES
    assert app.gateway.total_opens == opens


async def test_a_file_the_store_already_keeps_is_placed_from_there(
    app: Services, tmp_path: Path
) -> None:
    # kept by the bot, or by a cpbatch from before files were written once
    await app.sync_org().execute(SyncRequest(ALICE, "demo"))
    assert sorted(app.store.blobs.values()) == sorted([NOTES, ALGEBRA])
    opens = app.gateway.total_opens

    report = await sync(app, tmp_path)

    assert (report.downloaded, report.skipped) == (0, 2)
    assert notes_in(tmp_path).read_bytes() == NOTES
    assert app.gateway.total_opens == opens
    assert str(notes_in(tmp_path)) in app.repository.placed


async def test_a_transfer_that_broke_off_is_continued_by_the_next_run(
    app: Services, tmp_path: Path
) -> None:
    app.gateway.fail_after_bytes[101] = (6 * 1024, DownloadFailedError("connection reset"))
    first = await sync(app, tmp_path)
    assert (first.downloaded, first.failed) == (1, 1)
    assert not notes_in(tmp_path).exists()  # no part under the real name
    del app.gateway.fail_after_bytes[101]
    served = app.gateway.bytes_served

    second = await sync(app, tmp_path)

    assert second.downloaded == 1
    assert notes_in(tmp_path).read_bytes() == NOTES
    assert app.gateway.bytes_served - served == len(NOTES) - 6 * 1024  # only the rest
    placed = app.repository.placed[str(notes_in(tmp_path))]
    assert placed.record.sha256 == hashlib.sha256(NOTES).hexdigest()  # the whole file's
    assert [p.name for p in notes_in(tmp_path).parent.iterdir()] == ["notes.pdf"]


async def test_a_file_that_changed_upstream_meanwhile_is_fetched_whole_again(
    app: Services, tmp_path: Path
) -> None:
    app.gateway.fail_after_bytes[101] = (6 * 1024, DownloadFailedError("connection reset"))
    await sync(app, tmp_path)
    del app.gateway.fail_after_bytes[101]
    revised = b"revised notes" * 500
    app.gateway.content[101] = revised  # same version label: only the host's validator tells

    report = await sync(app, tmp_path)

    assert report.downloaded == 1
    assert notes_in(tmp_path).read_bytes() == revised  # never spliced


async def test_a_partial_of_another_version_is_not_continued(app: Services, tmp_path: Path) -> None:
    app.gateway.fail_after_bytes[101] = (6 * 1024, DownloadFailedError("connection reset"))
    await sync(app, tmp_path)
    del app.gateway.fail_after_bytes[101]
    app.gateway.change_file(101, b"version two" * 300, "v2")
    served = app.gateway.bytes_served

    await sync(app, tmp_path)

    assert notes_in(tmp_path).read_bytes() == b"version two" * 300
    assert app.gateway.bytes_served - served == len(b"version two" * 300)  # nothing spliced


async def test_a_placed_file_changed_upstream_is_replaced(app: Services, tmp_path: Path) -> None:
    await sync(app, tmp_path)
    app.gateway.change_file(201, b"new algebra", "v2")

    report = await sync(app, tmp_path)

    assert (report.downloaded, report.skipped) == (1, 1)
    algebra = tmp_path / "demo" / "Maths (20)" / "algebra.pdf"
    assert algebra.read_bytes() == b"new algebra"


async def test_one_folder_is_one_folder_however_it_is_written(
    app: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o out` from the folder above and `-o /abs/out` are the same placed files: an edit
    stays the user's, and verify run from elsewhere finds them."""
    monkeypatch.chdir(tmp_path)
    await sync(app, Path("out"))
    placed = notes_in(tmp_path / "out")
    placed.write_bytes(b"MY ANNOTATIONS")

    again = await sync(app, tmp_path / "out")

    assert again.downloaded == 0
    assert placed.read_bytes() == b"MY ANNOTATIONS"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    report = await app.container.verify_placements().execute()
    assert report.missing == ()
    assert str(placed) in report.changed


async def test_an_older_version_in_the_folder_is_not_taken_for_the_new_one(
    app: Services, tmp_path: Path
) -> None:
    """The folder holds v1 (from `cpbatch download`), the store v2 (from the bot): the sync
    puts v2 there, it does not record v1 as v2."""
    out = tmp_path / "out"
    await app.download_batch().execute(ALICE, "demo", 201, destination=out)
    placed = out / "demo" / "Maths (20)" / "algebra.pdf"
    assert placed.read_bytes() == ALGEBRA
    app.gateway.change_file(201, b"x + y = z, revised", "v2")
    await app.sync_org().execute(SyncRequest(ALICE, "demo"))  # kept in the store only

    report = await sync(app, out)

    assert placed.read_bytes() == b"x + y = z, revised"
    assert report.failed == 0
    again = await sync(app, out)
    assert (again.downloaded, placed.read_bytes()) == (0, b"x + y = z, revised")


@pytest.mark.parametrize("replaced_by", ["a link", "a folder"])
async def test_verify_lists_a_placed_file_it_cannot_read_and_checks_the_others(
    app: Services, tmp_path: Path, replaced_by: str
) -> None:
    out = tmp_path / "out"
    await sync(app, out)
    placed = notes_in(out)
    placed.rename(tmp_path / "moved.pdf")
    if replaced_by == "a link":
        placed.symlink_to(tmp_path / "moved.pdf")
    else:
        placed.mkdir()

    report = await app.container.verify_placements().execute()

    assert report.changed == (str(placed),)
    assert report.checked == 2
    assert report.missing == ()


async def test_a_folder_name_that_is_not_utf8_is_refused_before_any_request(
    app: Services, tmp_path: Path
) -> None:
    folder = tmp_path / os.fsdecode(b"Cours\xe9")
    calls_before = sum(app.gateway.calls.values())

    with pytest.raises(ValidationError, match="not valid UTF-8"):
        await sync(app, folder)

    assert sum(app.gateway.calls.values()) == calls_before


async def test_placements_an_earlier_build_keyed_by_the_folder_as_typed_are_still_found(
    app: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier build recorded `-o out` as `out/...`: after the upgrade the user's edit of
    such a file is still theirs, and the record moves to the absolute key."""
    monkeypatch.chdir(tmp_path)
    await sync(app, Path("out"))
    placed = notes_in(tmp_path / "out")
    [placement] = [p for p in app.repository.placed.values() if p.path == str(placed)]
    typed = str(notes_in(Path("out")))
    del app.repository.placed[str(placed)]
    app.repository.placed[typed] = Placement(typed, placement.record)  # as stored before
    placed.write_bytes(b"MY ANNOTATIONS")

    report = await sync(app, Path("out"))

    assert report.downloaded == 0
    assert placed.read_bytes() == b"MY ANNOTATIONS"
    assert typed not in app.repository.placed
    assert app.repository.placed[str(placed)].record == placement.record


async def test_a_named_pipe_where_a_file_goes_does_not_hang_the_sync(
    app: Services, tmp_path: Path
) -> None:
    await app.sync_org().execute(SyncRequest(ALICE, "demo"))  # kept in the store
    out = tmp_path / "out"
    target = notes_in(out)
    target.parent.mkdir(parents=True)
    os.mkfifo(target)

    report = await asyncio.wait_for(sync(app, out), 10)

    assert report.failed == 0
    assert target.read_bytes() == NOTES  # placed over the pipe
