"""SyncOrg reports the retries made for its own run: not the gateway's earlier work, and not
those of another sync running at the same time (the bot and the CLI share nothing here)."""

import asyncio
from contextlib import AbstractAsyncContextManager

from cpbatch.application.retry_count import report_retry
from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.models import BatchFile
from support.app import build_services
from support.fakes import FakeClassPlus, FakeFileStream, make_token

ALICE, BOB = make_token("a"), make_token("b")


class RetryingClassPlus(FakeClassPlus):
    """Every file open "needed" retries, reported as the HTTP adapter reports them."""

    def __init__(self, retries_per_open: dict[int, int]) -> None:
        super().__init__()
        self.retries_per_open = retries_per_open

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[FakeFileStream]:
        for _ in range(self.retries_per_open.get(file.batch.id, 0)):
            report_retry()
        return super().open_file(file, start=start)


def world(retries_per_open: dict[int, int]) -> RetryingClassPlus:
    gateway = RetryingClassPlus(retries_per_open)
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 12, "Physics"), gateway.add_batch(org, 20, "Maths")
    for file_id in (101, 102, 103):
        gateway.add_file(physics, file_id)
    for file_id in (201, 202):
        gateway.add_file(maths, file_id)
    gateway.grant(ALICE, physics)
    gateway.grant(BOB, maths)
    return gateway


async def test_the_report_counts_the_retries_made_during_the_sync() -> None:
    gateway = world({12: 2})
    report_retry()  # earlier work outside any run counts for nobody
    app = build_services(gateway)
    use_case = app.sync_org()

    first = await use_case.execute(SyncRequest(ALICE, "demo"))
    second = await use_case.execute(SyncRequest(ALICE, "demo"))

    assert (first.downloaded, first.retries) == (3, 6)
    assert (second.skipped, second.retries) == (3, 0)  # nothing opened, nothing retried
    assert app.repository.syncs[0].retries == 6


async def test_two_syncs_at_once_each_count_only_their_own_retries() -> None:
    app = build_services(world({12: 2, 20: 5}))

    alice, bob = await asyncio.gather(
        app.sync_org().execute(SyncRequest(ALICE, "demo")),
        app.sync_org().execute(SyncRequest(BOB, "demo")),
    )

    assert (alice.downloaded, alice.retries) == (3, 6)
    assert (bob.downloaded, bob.retries) == (2, 10)


async def test_a_gateway_that_never_retries_reports_zero() -> None:
    app = build_services(world({}))

    report = await app.sync_org().execute(SyncRequest(ALICE, "demo"))

    assert report.retries == 0
