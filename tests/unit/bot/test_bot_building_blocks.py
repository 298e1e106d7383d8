"""The conversation's small parts on their own: stores, keys, limits, pages, texts, jobs."""

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpbatch.application.bot import texts
from cpbatch.application.bot.callbacks import CallbackRegistry, ShowBatches
from cpbatch.application.bot.folders import paginate
from cpbatch.application.bot.gate import parse_command
from cpbatch.application.bot.jobs import JobManager
from cpbatch.application.bot.login import normalize_mobile
from cpbatch.application.bot.rate_limit import Admission, RequestRateLimiter
from cpbatch.application.expiring import ExpiringStore
from support.fakes import FakeClock
from support.log_lines import events, project_logging


def test_an_expiring_store_forgets_after_its_ttl_and_beyond_its_size() -> None:
    clock = FakeClock()
    store: ExpiringStore[int, str] = ExpiringStore(10, clock, max_entries=2)
    store.put(1, "one")
    clock.advance(9.9)
    assert store.get(1) == "one"
    clock.advance(0.1)
    assert store.get(1) is None
    store.put(1, "one")
    store.put(2, "two")
    store.put(3, "three")
    assert (store.get(1), store.get(2), store.get(3)) == (None, "two", "three")
    assert len(store) == 2


def test_expired_entries_are_dropped_as_new_ones_arrive() -> None:
    clock = FakeClock()
    store: ExpiringStore[int, int] = ExpiringStore(5, clock)
    for n in range(100):
        store.put(n, n)
    clock.advance(5)
    store.put(100, 100)
    assert len(store) == 1


def test_callback_keys_resolve_only_for_their_user_and_until_they_expire() -> None:
    clock = FakeClock()
    registry = CallbackRegistry(60, clock)
    key = registry.issue(7, ShowBatches("demo", 2))

    assert registry.resolve(7, key) == ShowBatches("demo", 2)
    assert registry.resolve(8, key) is None
    assert registry.resolve(7, key + "x") is None
    clock.advance(60)
    assert registry.resolve(7, key) is None


def test_a_token_bucket_allows_a_burst_then_refills_evenly() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter(3, 30, clock)

    assert [limiter.admit(1) for _ in range(5)] == [
        Admission.ALLOWED,
        Admission.ALLOWED,
        Admission.ALLOWED,
        Admission.LIMITED,
        Admission.LIMITED_AGAIN,
    ]
    assert limiter.admit(2) is Admission.ALLOWED  # per user
    clock.advance(10)
    assert limiter.admit(1) is Admission.ALLOWED
    assert limiter.admit(1) is Admission.LIMITED  # told again after being let in
    assert limiter.retry_after_s() == 10


@given(items=st.integers(0, 500), page=st.integers(-5, 100), size=st.integers(1, 20))
def test_pages_cover_every_item_once_and_clamp_out_of_range_pages(
    items: int, page: int, size: int
) -> None:
    at = paginate(items, page, size)
    assert 0 <= at.number < at.count
    assert at.count == max(1, -(-items // size))
    assert at.stop - at.start <= size
    chunks = [paginate(items, n, size) for n in range(at.count)]
    assert [i for c in chunks for i in range(c.start, c.stop)] == list(range(items))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("/start", ("start", [])),
        ("/GetBatches@CpbatchBot  abcde ", ("getbatches", ["abcde"])),
        ("/sync demo course:12", ("sync", ["demo", "course:12"])),
        ("abcde", (None, [])),
        ("/", (None, [])),
        ("", (None, [])),
    ],
)
def test_commands_are_parsed_with_their_arguments(
    text: str, parsed: tuple[str | None, list[str]]
) -> None:
    assert parse_command(text) == parsed


@pytest.mark.parametrize(
    ("typed", "mobile"),
    [
        ("9876543210", "9876543210"),
        ("+91 98765-43210", "+919876543210"),
        ("(987) 654 3210", "9876543210"),
        ("12345", None),
        ("98765abcde", None),
    ],
)
def test_mobile_numbers_are_normalized_or_refused(typed: str, mobile: str | None) -> None:
    assert normalize_mobile(typed) == mobile


def test_transfer_progress_shows_percent_sizes_speed_and_eta() -> None:
    text = texts.transfer("notes.pdf", texts.DOWNLOADING, 5 * 1024**2, 20 * 1024**2, 5)
    assert text == "⬇️ Downloading · notes.pdf\n25% · 5.0 MiB of 20.0 MiB\n1.0 MiB/s · ETA 0:15"
    unknown = texts.transfer("x", texts.DOWNLOADING, 2048, None, 2)
    assert unknown.endswith("2.0 KiB · 1.0 KiB/s")
    slow = texts.transfer("x", texts.UPLOADING, 1, 10_000, 1)
    assert "ETA 2:46:39" in slow


async def test_a_job_manager_runs_one_job_per_user_and_cancels_on_request() -> None:
    jobs = JobManager(max_jobs=1)
    started = asyncio.Event()
    cancelled = []

    async def forever() -> None:
        try:
            async with jobs.slot():
                started.set()
                await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    assert jobs.start(1, "test", forever)
    assert not jobs.start(1, "test", forever)
    await started.wait()
    assert (jobs.running, jobs.active, jobs.slot_is_free()) == (1, 1, False)

    assert await jobs.cancel(1)
    assert cancelled == [True]
    assert not jobs.has_job(1)
    assert jobs.running == 0
    assert not await jobs.cancel(1)


async def test_a_crashing_job_is_logged_and_forgotten(capsys: pytest.CaptureFixture[str]) -> None:
    jobs = JobManager(max_jobs=2)

    async def crash() -> None:
        raise RuntimeError("boom")

    with project_logging("INFO"):
        jobs.start(1, "test", crash)
        await jobs.drain()

    assert not jobs.has_job(1)
    [crashed] = events(capsys.readouterr().err, "bot_job_crashed")
    assert (crashed["user_id"], crashed["job"]) == (1, "test")
    assert "RuntimeError: boom" in crashed["exception"]


async def test_closing_cancels_every_job() -> None:
    jobs = JobManager(max_jobs=4)
    for user in range(3):
        jobs.start(user, "test", asyncio.Event().wait)  # type: ignore[arg-type]
    await asyncio.sleep(0)

    await jobs.close()

    assert jobs.active == 0
