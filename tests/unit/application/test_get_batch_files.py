"""GetBatchFiles: every item of one batch the caller can open, with where it would land."""

from pathlib import PurePosixPath

import pytest

from cpbatch.application.use_cases import GetBatchFiles
from cpbatch.domain.errors import BatchFileNotFoundError, ValidationError
from cpbatch.domain.models import BatchSource, FileKind
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
BOB = make_token("b")


@pytest.fixture
def gateway() -> FakeClassPlus:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    course = gateway.add_batch(org, 5, "Maths course")
    batch = gateway.add_batch(org, 5, "Maths batch", BatchSource.BATCH)
    physics = gateway.add_batch(org, 9, "Physics")
    gateway.add_file(course, 101, "algebra.pdf", folders=("Unit 1",))
    gateway.add_file(course, 102, "Lecture 1", kind=FileKind.VIDEO)
    gateway.add_file(batch, 201, "worksheet.png", kind=FileKind.IMAGE)
    gateway.add_file(physics, 301, "optics.pdf")
    gateway.grant(ALICE, course, batch, physics)
    gateway.grant(BOB, course)
    return gateway


@pytest.fixture
def app(gateway: FakeClassPlus) -> Services:
    return build_services(gateway)


@pytest.fixture
def get_files(app: Services) -> GetBatchFiles:
    return app.get_batch_files()


async def test_lists_every_item_and_plans_paths_for_the_downloadable_ones(
    get_files: GetBatchFiles,
) -> None:
    result = await get_files.execute(ALICE, "demo", "course:5")

    assert result.batch.name == "Maths course"
    assert [f.id for f in result.files] == [101, 102]
    assert [f.id for f in result.downloadable] == [101]
    assert result.paths == {101: PurePosixPath("demo", "Maths course (5)", "Unit 1", "algebra.pdf")}


async def test_a_bare_id_picks_the_batch_with_that_id(get_files: GetBatchFiles) -> None:
    result = await get_files.execute(ALICE, "demo", 9)

    assert [f.name for f in result.files] == ["optics.pdf"]


async def test_a_kind_prefix_picks_a_tutor_batch_sharing_an_id_with_a_course(
    get_files: GetBatchFiles,
) -> None:
    result = await get_files.execute(ALICE, "demo", "batch:5")

    assert result.batch.source is BatchSource.BATCH
    assert [f.id for f in result.files] == [201]


async def test_a_bare_id_shared_by_a_course_and_a_batch_is_ambiguous(
    get_files: GetBatchFiles, gateway: FakeClassPlus
) -> None:
    with pytest.raises(ValidationError, match="course:5"):
        await get_files.execute(ALICE, "demo", "5")

    assert gateway.calls["list_files"] == 0


async def test_a_batch_missing_from_the_callers_listing_is_not_found(
    get_files: GetBatchFiles, gateway: FakeClassPlus
) -> None:
    with pytest.raises(BatchFileNotFoundError):
        await get_files.execute(BOB, "demo", 9)  # exists, but only Alice can open it

    assert gateway.calls["list_files"] == 0


@pytest.mark.parametrize("selector", ["video:5", "course:x", "0"])
async def test_an_invalid_selector_is_rejected_before_asking_upstream(
    get_files: GetBatchFiles, gateway: FakeClassPlus, selector: str
) -> None:
    with pytest.raises(ValidationError):
        await get_files.execute(ALICE, "demo", selector)

    assert not gateway.calls


async def test_file_listings_are_cached_per_user_until_refreshed(
    get_files: GetBatchFiles, gateway: FakeClassPlus
) -> None:
    await get_files.execute(ALICE, "demo", 9)
    await get_files.execute(ALICE, "demo", 9)
    assert gateway.calls["list_files"] == 1

    await get_files.execute(BOB, "demo", "course:5")
    gateway.add_file(gateway.files[301].batch, 302, "new.pdf")
    refreshed = await get_files.execute(ALICE, "demo", 9, force_refresh=True)

    assert gateway.calls["list_files"] == 3
    assert [f.id for f in refreshed.files] == [301, 302]
