"""SyncOrg when files fail: each failure stays with its own file, with a reason, unrecorded."""

import pytest

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.errors import AuthenticationError, DownloadFailedError, NotDownloadableError
from cpbatch.domain.models import FileFailure, FileKind, SyncReport
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
CONTENT = {1: b"first file", 2: b"second file", 3: b"third file"}


@pytest.fixture
def app() -> Services:
    gateway = FakeClassPlus()
    batch = gateway.add_batch(gateway.add_org("demo"), 12, "Physics")
    for file_id, data in CONTENT.items():
        gateway.add_file(batch, file_id, f"file-{file_id}.pdf", data)
    gateway.add_file(batch, 4, "Lecture", kind=FileKind.VIDEO)
    gateway.grant(ALICE, batch)
    return build_services(gateway)


async def sync(app: Services, **options: object) -> SyncReport:
    use_case = app.sync_org()
    return await use_case.execute(SyncRequest(ALICE, "demo", **options))  # type: ignore[arg-type]


def recorded_ids(app: Services) -> set[int]:
    return {r.file_id for r in app.repository.file_records.values()}


async def test_a_failing_download_fails_alone_with_its_reason(app: Services) -> None:
    app.gateway.fail_on_open[2] = DownloadFailedError("file-2.pdf: ClassPlus answered 503.")

    report = await sync(app)

    assert report.failures == (
        FileFailure(
            2, "file-2.pdf", "Physics", "file-2.pdf: ClassPlus answered 503.", "download_failed"
        ),
    )
    assert (report.downloaded, report.ok) == (2, False)
    assert recorded_ids(app) == {1, 3}
    assert app.repository.syncs == [report]


async def test_a_transfer_cut_short_keeps_no_partial_blob_and_no_record(app: Services) -> None:
    app.gateway.fail_after_bytes[1] = (4, DownloadFailedError("file-1.pdf: connection reset."))

    report = await sync(app)

    assert [f.file_id for f in report.failures] == [1]
    assert recorded_ids(app) == {2, 3}
    assert sorted(app.store.blobs.values()) == [CONTENT[2], CONTENT[3]]


async def test_an_unexpected_error_is_isolated_and_its_message_not_shown(app: Services) -> None:
    app.gateway.fail_on_open[3] = RuntimeError("boom at https://cdn.example.invalid/3?sig=x")

    report = await sync(app)

    (failure,) = report.failures
    assert (failure.file_id, failure.error_kind) == (3, "unexpected_error")
    assert "sig=" not in failure.reason
    assert "RuntimeError" in failure.reason
    assert recorded_ids(app) == {1, 2}


async def test_fewer_bytes_than_announced_fail_the_file_and_record_nothing(app: Services) -> None:
    app.gateway.announced_size[2] = len(CONTENT[2]) + 100

    report = await sync(app)

    (failure,) = report.failures
    assert failure.file_id == 2
    assert failure.error_kind == "download_failed"
    assert "announced" in failure.reason
    assert recorded_ids(app) == {1, 3}


async def test_upstream_refusing_a_file_is_a_failure_of_that_file(app: Services) -> None:
    app.gateway.fail_on_open[1] = NotDownloadableError("file-1.pdf: address outside ClassPlus.")

    report = await sync(app)

    assert [(f.file_id, f.error_kind) for f in report.failures] == [(1, "not_downloadable")]
    assert report.downloaded == 2


async def test_a_failed_file_is_downloaded_by_the_next_sync(app: Services) -> None:
    app.gateway.fail_on_open[2] = DownloadFailedError("timed out")
    await sync(app)
    del app.gateway.fail_on_open[2]

    report = await sync(app)

    assert (report.downloaded, report.skipped, report.failed) == (1, 2, 0)
    assert recorded_ids(app) == {1, 2, 3}


async def test_every_file_found_is_accounted_for_exactly_once(app: Services) -> None:
    await sync(app, include=["file-1.pdf"])  # file 1 is now unchanged
    app.gateway.add_file(app.gateway.files[1].batch, 5, "extra.docx")
    app.gateway.fail_on_open[2] = DownloadFailedError("timed out")

    report = await sync(app, include=["*.pdf"])

    counts = (report.downloaded, report.skipped, report.failed, report.not_downloadable)
    assert (*counts, report.excluded) == (1, 1, 1, 1, 1)
    assert report.found == 5 == sum(counts) + report.excluded + report.planned


async def test_a_batch_that_cannot_be_listed_is_reported_and_the_others_still_sync() -> None:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics = gateway.add_batch(org, 12, "Physics")
    maths = gateway.add_batch(org, 13, "Maths")
    gateway.add_file(physics, 1, "waves.pdf", b"waves")
    gateway.add_file(maths, 2, "algebra.pdf", b"algebra")
    gateway.grant(ALICE, physics, maths)
    gateway.fail_listing[12] = DownloadFailedError("ClassPlus did not answer after 4 tries.")
    services = build_services(gateway)

    report = await sync(services)

    assert [(f.batch_id, f.reason) for f in report.batch_failures] == [
        (12, "ClassPlus did not answer after 4 tries.")
    ]
    assert report.downloaded == 1
    assert recorded_ids(services) == {2}
    assert not report.ok


async def test_a_token_refused_while_listing_stops_the_whole_sync(app: Services) -> None:
    app.gateway.fail_listing[12] = AuthenticationError("Your ClassPlus token has expired.")

    with pytest.raises(AuthenticationError):
        await sync(app)

    assert app.gateway.total_opens == 0
