"""SyncOrg's progress events and its bound on simultaneous downloads."""

import pytest

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.models import FileKind, FileOutcome, SyncReport
from support.app import Services, build_services
from support.fakes import FakeClassPlus, RecordingProgress, make_token

ALICE = make_token("a")


def world(files: int) -> Services:
    gateway = FakeClassPlus(chunk_size=3)
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    for file_id in range(1, files + 1):
        gateway.add_file(physics if file_id % 2 else maths, file_id, content=b"x" * (file_id * 5))
    gateway.add_file(maths, 999, "Lecture", kind=FileKind.VIDEO)
    gateway.grant(ALICE, physics, maths)
    return build_services(gateway)


async def sync(
    app: Services, progress: RecordingProgress | None = None, **options: object
) -> SyncReport:
    use_case = app.sync_org()
    request = SyncRequest(ALICE, "demo", **options)  # type: ignore[arg-type]
    return await use_case.execute(request, progress)


@pytest.mark.parametrize("concurrency", [1, 3, 5])
async def test_no_more_files_are_open_at_once_than_the_concurrency(concurrency: int) -> None:
    app = world(files=10)

    report = await sync(app, concurrency=concurrency)

    assert report.downloaded == 10
    assert app.gateway.open_max == concurrency


async def test_a_concurrency_above_the_number_of_files_opens_each_once() -> None:
    app = world(files=2)

    await sync(app, concurrency=8)

    assert app.gateway.open_max == 2
    assert dict(app.gateway.opens) == {1: 1, 2: 1}


async def test_progress_tells_the_plan_once_then_each_file_from_start_to_finish() -> None:
    app, progress = world(files=4), RecordingProgress()

    report = await sync(app, progress)

    assert progress.listed == {12: 2, 20: 3}
    assert progress.planned == [(4, 5 + 10 + 15 + 20)]
    assert progress.started == {1: 5, 2: 10, 3: 15, 4: 20}
    assert progress.finished == {i: (FileOutcome.DOWNLOADED, None) for i in (1, 2, 3, 4)}
    for once in ("file_started", "file_finished"):
        assert sorted(about for event, about in progress.events if event == once) == [1, 2, 3, 4]
    assert progress.received == {1: 5, 2: 10, 3: 15, 4: 20}
    assert sum(progress.received.values()) == report.bytes_downloaded


async def test_each_file_starts_before_its_bytes_and_finishes_after_them() -> None:
    app, progress = world(files=3), RecordingProgress()

    await sync(app, progress, concurrency=3)

    for file_id in (1, 2, 3):
        mine = [event for event, about in progress.events if about == file_id]
        assert mine[0] == "file_started"
        assert mine[-1] == "file_finished"
        assert set(mine[1:-1]) == {"bytes_received"}
    assert len(progress.events) == 3 + 3 + (2 + 4 + 5)  # chunks of 3 bytes: 5, 10, 15 bytes


async def test_skipped_and_planned_files_are_finished_with_their_outcome() -> None:
    app = world(files=2)
    await sync(app)
    app.gateway.change_file(1, b"changed", "v2")
    progress = RecordingProgress()

    await sync(app, progress, dry_run=True)

    assert progress.finished == {
        1: (FileOutcome.PLANNED, None),
        2: (FileOutcome.SKIPPED, None),
    }
    assert not progress.received


async def test_a_failed_file_finishes_with_its_reason() -> None:
    app, progress = world(files=2), RecordingProgress()
    app.gateway.fail_after_bytes[2] = (3, RuntimeError("cut"))

    await sync(app, progress)

    assert progress.finished == {
        1: (FileOutcome.DOWNLOADED, None),
        2: (FileOutcome.FAILED, "unexpected error (RuntimeError)"),
    }
