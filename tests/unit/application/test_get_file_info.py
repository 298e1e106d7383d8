"""GetFileInfo: one file's details, only if the caller's own listing shows it; moves no bytes."""

import pytest

from cpbatch.application.use_cases import GetFileInfo
from cpbatch.domain.errors import BatchFileNotFoundError, ValidationError
from cpbatch.domain.models import FileKind
from support.app import build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
BOB = make_token("b")


@pytest.fixture
def gateway() -> FakeClassPlus:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    gateway.add_file(physics, 101, "notes.pdf", b"12345", folders=("Unit 1",))
    gateway.add_file(physics, 102, "Lecture 1", kind=FileKind.VIDEO)
    gateway.add_file(maths, 201, "algebra.pdf")
    gateway.grant(ALICE, physics, maths)
    gateway.grant(BOB, maths)
    return gateway


@pytest.fixture
def info(gateway: FakeClassPlus) -> GetFileInfo:
    return build_services(gateway).file_info()


async def test_describes_a_file_from_the_callers_listing_without_opening_it(
    info: GetFileInfo, gateway: FakeClassPlus
) -> None:
    file = await info.execute(ALICE, "demo", "101")

    assert (file.name, file.size, file.folder_path, file.batch.name) == (
        "notes.pdf",
        5,
        ("Unit 1",),
        "Physics",
    )
    assert gateway.total_opens == 0


async def test_describes_items_that_cannot_be_downloaded_too(info: GetFileInfo) -> None:
    file = await info.execute(ALICE, "demo", 102)

    assert file.kind is FileKind.VIDEO
    assert not file.downloadable


async def test_a_file_outside_the_callers_listing_is_not_found(info: GetFileInfo) -> None:
    with pytest.raises(BatchFileNotFoundError):
        await info.execute(BOB, "demo", 101)


async def test_a_batch_selector_limits_where_the_file_is_looked_for(info: GetFileInfo) -> None:
    assert (await info.execute(ALICE, "demo", 201, batch="20")).name == "algebra.pdf"
    with pytest.raises(BatchFileNotFoundError):
        await info.execute(ALICE, "demo", 201, batch="course:12")


@pytest.mark.parametrize(("file_id", "batch"), [("x", None), (0, None), (101, "quiz:12")])
async def test_invalid_input_is_rejected_before_asking_upstream(
    info: GetFileInfo, gateway: FakeClassPlus, file_id: object, batch: str | None
) -> None:
    with pytest.raises(ValidationError):
        await info.execute(ALICE, "demo", file_id, batch=batch)  # type: ignore[arg-type]

    assert not gateway.calls
