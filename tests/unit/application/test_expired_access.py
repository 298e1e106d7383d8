"""A course whose access expired is listed, marked, and never looked into: no listing of its
files, nothing downloaded, a clear reason; and it fails nothing else."""

import re
from datetime import UTC, datetime

import pytest

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.errors import BatchFileNotFoundError, NotDownloadableError
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

ALICE = make_token("a")
ENDED = datetime(2024, 7, 1, tzinfo=UTC)


@pytest.fixture
def gateway() -> FakeClassPlus:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics = gateway.add_batch(org, 12, "Physics")
    old = gateway.add_batch(org, 30, "Old course", access_expired_on=ENDED)
    gateway.add_file(physics, 101, "notes.pdf", b"notes")
    gateway.add_file(old, 301, "old.pdf", b"old notes")
    gateway.grant(ALICE, physics, old)
    return gateway


@pytest.fixture
def app(gateway: FakeClassPlus) -> Services:
    return build_services(gateway)


async def test_a_sync_skips_it_with_its_reason_and_fails_nothing(
    app: Services, gateway: FakeClassPlus
) -> None:
    report = await app.sync_org().execute(SyncRequest(ALICE, "demo"))

    assert report.ok
    assert report.downloaded == 1
    assert [(b.batch_id, b.reason) for b in report.skipped_batches] == [
        (30, "not downloadable: access expired on 2024-07-01")
    ]
    assert gateway.calls["list_files"] == 1  # Physics only
    assert dict(gateway.opens) == {101: 1}


async def test_its_files_are_refused_even_when_listed_before_it_expired(
    app: Services, gateway: FakeClassPlus
) -> None:
    reason = "Old course (course:30) is not downloadable: access expired on 2024-07-01."
    with pytest.raises(NotDownloadableError, match=re.escape(reason)):
        await app.get_batch_files().execute(ALICE, "demo", "30")
    assert gateway.calls["list_files"] == 0


async def test_a_file_of_it_is_not_offered_for_download(app: Services) -> None:
    with pytest.raises(BatchFileNotFoundError):
        await app.download_batch().execute(ALICE, "demo", 301)
    with pytest.raises(NotDownloadableError, match="access expired"):
        await app.download_batch().execute(ALICE, "demo", 301, batch="30")
