"""SyncOrg reports how many requests its gateway retried while it ran, not since it started."""

from contextlib import AbstractAsyncContextManager

from cpbatch.application.use_cases import SyncOrg, SyncRequest
from cpbatch.domain.models import BatchFile
from support.fakes import FakeClassPlus, FakeFileStream, build_services, make_token

ALICE = make_token("a")


class RetryingClassPlus(FakeClassPlus):
    """Every file open "needed" two retries, as a flaky CDN would."""

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[FakeFileStream]:
        self.retry_count += 2
        return super().open_file(file, start=start)


async def test_the_report_counts_the_retries_made_during_the_sync() -> None:
    gateway = RetryingClassPlus()
    batch = gateway.add_batch(gateway.add_org("demo"), 12)
    for file_id in (101, 102, 103):
        gateway.add_file(batch, file_id)
    gateway.grant(ALICE, batch)
    gateway.retry_count = 5  # earlier work of the same gateway is not this sync's
    app = build_services(gateway)
    use_case = SyncOrg(app.listings, app.blobs, app.repository, app.fetcher)

    first = await use_case.execute(SyncRequest(ALICE, "demo"))
    second = await use_case.execute(SyncRequest(ALICE, "demo"))

    assert (first.downloaded, first.retries) == (3, 6)
    assert (second.skipped, second.retries) == (3, 0)  # nothing opened, nothing retried
    assert app.repository.syncs[0].retries == 6


async def test_a_gateway_that_never_retries_reports_zero() -> None:
    gateway = FakeClassPlus()
    batch = gateway.add_batch(gateway.add_org("demo"), 12)
    gateway.add_file(batch, 101)
    gateway.grant(ALICE, batch)
    app = build_services(gateway)

    report = await SyncOrg(app.listings, app.blobs, app.repository, app.fetcher).execute(
        SyncRequest(ALICE, "demo")
    )

    assert report.retries == 0
