"""The watch ports' contract — subscriptions, schedules, the delivery log, quiet hours — run
against SQLite and MongoDB alike (see conftest.py); what a restart must find is read back
through a second handle."""

from __future__ import annotations

import dataclasses

import pytest

from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import DeliveryState, Subscription, SubscriptionStatus, WatchSchedule
from support.storage_kits import WatchKit, WatchStore

ALICE, BOB = 11, 12


def watch(user: int, batch_key: str = "course:12", at: float = 100.0) -> Subscription:
    return Subscription(user, user, "demo", batch_key, f"Batch {batch_key}", at)


@pytest.fixture
async def store(watch_kit: WatchKit) -> WatchStore:
    return await watch_kit.open()


async def test_subscriptions_persist_and_list_by_user_and_by_batch(watch_kit: WatchKit) -> None:
    first = await watch_kit.open()
    await first.subscriptions.save_subscription(watch(ALICE, at=1.0))
    await first.subscriptions.save_subscription(watch(BOB, at=2.0))
    await first.subscriptions.save_subscription(watch(ALICE, "batch:7", at=3.0))

    again = await watch_kit.open()
    assert [s.batch_key for s in await again.subscriptions.subscriptions_of(ALICE)] == [
        "course:12",
        "batch:7",
    ]
    subscribers = await again.subscriptions.subscribers("demo", "course:12")
    assert [s.user_id for s in subscribers] == [ALICE, BOB]
    assert subscribers[0] == watch(ALICE, at=1.0)


async def test_saving_again_updates_status_and_keeps_when_it_began(store: WatchStore) -> None:
    await store.subscriptions.save_subscription(watch(ALICE, at=1.0))
    paused = dataclasses.replace(
        watch(ALICE, at=50.0), status=SubscriptionStatus.PAUSED, paused_principal="tok:abc"
    )
    await store.subscriptions.save_subscription(paused)

    [kept] = await store.subscriptions.subscriptions_of(ALICE)
    assert (kept.status, kept.paused_principal, kept.created_at) == (
        SubscriptionStatus.PAUSED,
        "tok:abc",
        1.0,
    )


async def test_a_subscription_is_deleted_once(store: WatchStore) -> None:
    await store.subscriptions.save_subscription(watch(ALICE))
    assert await store.subscriptions.delete_subscription(ALICE, "demo", "course:12")
    assert not await store.subscriptions.delete_subscription(ALICE, "demo", "course:12")
    assert await store.subscriptions.subscribers("demo", "course:12") == []


async def test_schedules_come_due_earliest_first_and_add_keeps_an_existing_one(
    watch_kit: WatchKit,
) -> None:
    store = await watch_kit.open()
    await store.watch_schedules.add_schedule(WatchSchedule("demo", "course:12", 300.0))
    await store.watch_schedules.add_schedule(WatchSchedule("demo", "course:12", 5.0))  # kept
    await store.watch_schedules.add_schedule(WatchSchedule("demo", "batch:7", 200.0))
    await store.watch_schedules.add_schedule(WatchSchedule("demo", "course:20", 900.0))
    assert await store.watch_schedules.update_schedule(
        WatchSchedule("demo", "course:20", 100.0, last_check_at=50.0, failures=2)
    )

    again = await watch_kit.open()
    due = await again.watch_schedules.due_schedules(250.0, 10)
    assert [s.batch_key for s in due] == ["course:20", "batch:7"]
    assert due[0] == WatchSchedule("demo", "course:20", 100.0, 50.0, 2)
    assert len(await again.watch_schedules.due_schedules(float("inf"), 1)) == 1
    await again.watch_schedules.delete_schedule("demo", "batch:7")
    assert [s.batch_key for s in await again.watch_schedules.schedules()] == [
        "course:20",
        "course:12",
    ]


async def test_updates_never_bring_back_what_was_removed(store: WatchStore) -> None:
    """A check that ends after its batch was unwatched writes nothing back."""
    paused = dataclasses.replace(watch(ALICE), status=SubscriptionStatus.PAUSED)
    assert not await store.subscriptions.update_subscription(paused)
    assert not await store.watch_schedules.update_schedule(WatchSchedule("demo", "course:12", 1.0))
    assert await store.subscriptions.subscriptions_of(ALICE) == []
    assert await store.watch_schedules.schedules() == []

    await store.subscriptions.save_subscription(watch(ALICE, at=1.0))
    assert await store.subscriptions.update_subscription(
        dataclasses.replace(paused, paused_principal="tok:abc", created_at=99.0)
    )
    [kept] = await store.subscriptions.subscriptions_of(ALICE)
    assert (kept.status, kept.paused_principal, kept.created_at) == (
        SubscriptionStatus.PAUSED,
        "tok:abc",
        1.0,
    )


async def test_a_check_is_claimed_by_one_process_only(watch_kit: WatchKit) -> None:
    """Two bots sharing a store read the same due check; only the first claim takes it."""
    first, second = await watch_kit.open(), await watch_kit.open()
    await first.watch_schedules.add_schedule(WatchSchedule("demo", "course:12", 100.0))
    (seen_by_first,) = await first.watch_schedules.due_schedules(150.0, 10)
    (seen_by_second,) = await second.watch_schedules.due_schedules(150.0, 10)

    assert await first.watch_schedules.claim_schedule(seen_by_first, 1900.0)
    assert not await second.watch_schedules.claim_schedule(seen_by_second, 1950.0)
    assert await second.watch_schedules.schedules() == [WatchSchedule("demo", "course:12", 1900.0)]
    await first.watch_schedules.delete_schedule("demo", "course:12")
    stale = WatchSchedule("demo", "course:12", 1900.0)
    assert not await second.watch_schedules.claim_schedule(stale, 3700.0)
    assert await second.watch_schedules.schedules() == []


async def test_the_delivery_log_begins_settles_and_never_unsettles(watch_kit: WatchKit) -> None:
    log = (await watch_kit.open()).delivery_log
    await log.record(ALICE, [(1, "v1"), (2, "v1")], DeliveryState.BASELINE)

    started = await log.begin(ALICE, 3, "v1")
    assert (started.state, started.attempts) == (DeliveryState.PENDING, 1)
    assert (await log.begin(ALICE, 3, "v1")).attempts == 2  # a retry of an unconfirmed send
    assert (await log.begin(ALICE, 1, "v1")).state is DeliveryState.BASELINE  # settled: as is

    await log.complete(ALICE, 3, "v1", DeliveryState.SENT, 4711)
    await log.record(ALICE, [(3, "v1")], DeliveryState.ANNOUNCED)  # never overwrites
    await log.complete(ALICE, 3, "v1", DeliveryState.FAILED, None)  # only a pending one

    after_restart = (await watch_kit.open()).delivery_log
    entries = {(d.file_id, d.version): d for d in await after_restart.entries(ALICE, [1, 2, 3])}
    assert {k: d.state for k, d in entries.items()} == {
        (1, "v1"): DeliveryState.BASELINE,
        (2, "v1"): DeliveryState.BASELINE,
        (3, "v1"): DeliveryState.SENT,
    }
    assert entries[(3, "v1")].message_id == 4711
    assert await after_restart.entries(BOB, [1, 2, 3]) == []


async def test_each_version_of_a_file_has_its_own_entry(store: WatchStore) -> None:
    await store.delivery_log.record(ALICE, [(1, "v1")], DeliveryState.BASELINE)
    await store.delivery_log.begin(ALICE, 1, "v2")

    states = {(d.version, d.state) for d in await store.delivery_log.entries(ALICE, [1])}
    assert states == {("v1", DeliveryState.BASELINE), ("v2", DeliveryState.PENDING)}


async def test_many_files_are_read_in_one_call(store: WatchStore) -> None:
    items = [(n, "v1") for n in range(1, 1201)]
    await store.delivery_log.record(ALICE, items, DeliveryState.BASELINE)

    found = await store.delivery_log.entries(ALICE, [n for n, _ in items])
    assert len(found) == 1200


async def test_quiet_hours_are_kept_per_user_and_removed(watch_kit: WatchKit) -> None:
    store = await watch_kit.open()
    await store.watch_preferences.save_quiet_hours(ALICE, QuietHours(23, 7, "Asia/Kolkata"))

    again = await watch_kit.open()
    assert await again.watch_preferences.quiet_hours(ALICE) == QuietHours(23, 7, "Asia/Kolkata")
    assert await again.watch_preferences.quiet_hours(BOB) is None
    await again.watch_preferences.save_quiet_hours(ALICE, None)
    assert await again.watch_preferences.quiet_hours(ALICE) is None
