"""SyncOrg: every downloadable file of an org kept and placed on disk; unchanged files skipped."""

from pathlib import Path

import pytest

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.models import FileKind, SyncReport
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
CONTENT = {101: b"notes", 102: b"slides!", 103: b"PNG diagram", 201: b"x + y = z"}


@pytest.fixture
def app() -> Services:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    gateway.add_file(physics, 101, "notes.pdf", CONTENT[101], folders=("Unit 1",))
    gateway.add_file(physics, 102, "slides.pdf", CONTENT[102], folders=("Unit 1",))
    gateway.add_file(
        physics, 103, "diagram.png", CONTENT[103], folders=("Unit 2",), kind=FileKind.IMAGE
    )
    gateway.add_file(physics, 104, "Lecture 1", kind=FileKind.VIDEO)
    gateway.add_file(maths, 201, "algebra.pdf", CONTENT[201])
    gateway.add_file(maths, 202, "Quiz", kind=FileKind.TEST)
    gateway.grant(ALICE, physics, maths)
    return build_services(gateway)


async def sync(app: Services, **options: object) -> SyncReport:
    use_case = app.sync_org()
    return await use_case.execute(SyncRequest(ALICE, "demo", **options))  # type: ignore[arg-type]


def counted(report: SyncReport) -> tuple[int, ...]:
    return (
        report.downloaded,
        report.skipped,
        report.failed,
        report.not_downloadable,
        report.planned,
    )


async def test_a_first_sync_downloads_every_downloadable_file(app: Services) -> None:
    report = await sync(app)

    assert (report.batches, report.found) == (2, 6)
    assert counted(report) == (4, 0, 0, 2, 0)
    assert report.bytes_downloaded == sum(len(c) for c in CONTENT.values())
    assert sorted(app.store.blobs.values()) == sorted(CONTENT.values())
    assert sorted(r.file_id for r in app.repository.file_records.values()) == sorted(CONTENT)
    assert app.repository.syncs == [report]


async def test_files_are_placed_under_org_batch_and_folders(app: Services, tmp_path: Path) -> None:
    await sync(app, destination=tmp_path)

    placed = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*.*")}
    assert placed == {
        "demo/Physics (12)/Unit 1/notes.pdf": CONTENT[101],
        "demo/Physics (12)/Unit 1/slides.pdf": CONTENT[102],
        "demo/Physics (12)/Unit 2/diagram.png": CONTENT[103],
        "demo/Maths (20)/algebra.pdf": CONTENT[201],
    }


async def test_a_second_sync_skips_unchanged_files_without_touching_upstream(app: Services) -> None:
    await sync(app)

    report = await sync(app)

    assert counted(report) == (0, 4, 0, 2, 0)
    assert app.gateway.total_opens == 4


async def test_a_skipped_file_is_placed_again_if_it_went_missing(
    app: Services, tmp_path: Path
) -> None:
    await sync(app, destination=tmp_path)
    placed = tmp_path / "demo" / "Maths (20)" / "algebra.pdf"
    placed.unlink()

    await sync(app, destination=tmp_path)

    assert placed.read_bytes() == CONTENT[201]
    assert app.gateway.total_opens == 5  # written once, nowhere else: fetched again


async def test_a_file_with_a_new_version_is_downloaded_again(app: Services) -> None:
    await sync(app)
    slides = app.gateway.change_file(102, b"slides, revised", "v2")

    report = await sync(app)

    assert counted(report) == (1, 3, 0, 2, 0)
    assert app.gateway.opens[102] == 2
    assert app.repository.file_records[slides.record_key].version == "v2"
    assert b"slides, revised" in app.store.blobs.values()


async def test_a_file_added_upstream_is_picked_up_by_the_next_sync(app: Services) -> None:
    await sync(app)
    app.gateway.add_file(app.gateway.files[201].batch, 203, "geometry.pdf")

    report = await sync(app)  # well within the listing TTL: a sync always lists afresh

    assert counted(report) == (1, 4, 0, 2, 0)


async def test_a_file_whose_blob_vanished_is_downloaded_again(app: Services) -> None:
    await sync(app)
    record = next(r for r in app.repository.file_records.values() if r.file_id == 101)
    await app.store.delete(record.sha256)

    report = await sync(app)

    assert counted(report) == (1, 3, 0, 2, 0)
    assert await app.store.stat(record.sha256) == len(CONTENT[101])


async def test_force_downloads_everything_again(app: Services) -> None:
    await sync(app)

    report = await sync(app, force=True)

    assert counted(report) == (4, 0, 0, 2, 0)
    assert app.gateway.total_opens == 8


async def test_a_dry_run_downloads_nothing_and_reports_what_it_would_do(
    app: Services, tmp_path: Path
) -> None:
    report = await sync(app, dry_run=True, destination=tmp_path)

    assert counted(report) == (0, 0, 0, 2, 4)
    assert app.gateway.total_opens == 0
    assert not app.store.blobs
    assert not app.repository.file_records
    assert not app.repository.syncs
    assert not list(tmp_path.iterdir())


async def test_a_dry_run_after_a_sync_plans_only_what_changed(app: Services) -> None:
    await sync(app)
    app.gateway.change_file(101, b"new notes", "v2")

    report = await sync(app, dry_run=True)

    assert counted(report) == (0, 3, 0, 2, 1)
    assert app.gateway.total_opens == 4


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        (["*.pdf"], {101, 102, 201}),
        (["UNIT 2/*"], {103}),  # the path inside the batch, case-insensitively
        (["notes.*", "algebra.pdf"], {101, 201}),
        (["*.docx"], set()),
    ],
)
async def test_include_globs_choose_which_files_are_synced(
    app: Services, include: list[str], expected: set[int]
) -> None:
    report = await sync(app, include=include)

    assert {r.file_id for r in app.repository.file_records.values()} == expected
    assert report.downloaded == len(expected)
    assert report.excluded == len(CONTENT) - len(expected)


async def test_files_left_out_by_include_are_excluded_not_undownloadable(app: Services) -> None:
    report = await sync(app, include=["*.png"])

    assert (report.found, report.downloaded, report.excluded, report.not_downloadable) == (
        6,
        1,
        3,
        2,  # the video and the quiz
    )


async def test_a_filtered_sync_places_a_file_where_a_full_sync_would(
    app: Services, tmp_path: Path
) -> None:
    # Two files end up as "Unit_1/notes.pdf"; the lower id keeps the name even when filtered out.
    physics = app.gateway.files[101].batch
    app.gateway.add_file(physics, 90, "notes.pdf", b"older notes", folders=("Unit:1",))
    app.gateway.add_file(physics, 95, "notes.pdf", b"newer notes", folders=("Unit_1",))

    await sync(app, include=["Unit_1/*"], destination=tmp_path)

    unit = tmp_path / "demo" / "Physics (12)" / "Unit_1"
    assert [p.name for p in unit.iterdir()] == ["notes (95).pdf"]


async def test_a_batch_selector_syncs_only_that_batch(app: Services) -> None:
    report = await sync(app, batch="20")

    assert (report.batches, report.found, report.downloaded) == (1, 2, 1)
    assert [r.file_id for r in app.repository.file_records.values()] == [201]


@pytest.mark.parametrize(
    "options",
    [{"concurrency": 0}, {"concurrency": 65}, {"concurrency": -1}, {"batch": "video:1"}],
)
async def test_invalid_options_are_rejected_before_asking_upstream(
    app: Services, options: dict[str, object]
) -> None:
    with pytest.raises(ValidationError):
        await sync(app, **options)

    assert not app.gateway.calls


async def test_an_invalid_org_code_is_rejected_before_asking_upstream(app: Services) -> None:
    use_case = app.sync_org()

    with pytest.raises(ValidationError):
        await use_case.execute(SyncRequest(ALICE, "not an org"))

    assert not app.gateway.calls


async def test_a_resync_restores_a_removed_file_and_keeps_an_edited_one(
    app: Services, tmp_path: Path
) -> None:
    sync = app.sync_org()
    request = SyncRequest(ALICE, "demo", destination=tmp_path)
    await sync.execute(request)
    edited = next(tmp_path.rglob("notes.pdf"))
    removed = next(tmp_path.rglob("algebra.pdf"))
    edited.write_bytes(b"my annotations")
    removed.unlink()

    report = await sync.execute(request)

    assert (report.skipped, report.downloaded) == (3, 1)  # the removed one fetched again
    assert edited.read_bytes() == b"my annotations"
    assert removed.read_bytes() == CONTENT[201]
