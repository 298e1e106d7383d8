"""The watch ports in memory: subscriptions, schedules, the delivery log and quiet hours.
Each keeps its state in a plain dict; one instance may outlive a "restart" of the services
built on it, as a database would."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import Delivery, DeliveryState, Subscription, WatchSchedule


class InMemorySubscriptions:
    def __init__(self) -> None:
        self.rows: dict[tuple[int, str, str], Subscription] = {}

    async def save_subscription(self, subscription: Subscription) -> None:
        key = (subscription.user_id, *subscription.batch_ref)
        if key in self.rows:  # the first created_at stays
            created_at = self.rows[key].created_at
            subscription = dataclasses.replace(subscription, created_at=created_at)
        self.rows[key] = subscription

    async def update_subscription(self, subscription: Subscription) -> bool:
        key = (subscription.user_id, *subscription.batch_ref)
        if key not in self.rows:
            return False
        await self.save_subscription(subscription)
        return True

    async def delete_subscription(self, user_id: int, org_code: str, batch_key: str) -> bool:
        return self.rows.pop((user_id, org_code, batch_key), None) is not None

    async def subscriptions_of(self, user_id: int) -> list[Subscription]:
        return [s for s in self._ordered() if s.user_id == user_id]

    async def subscribers(self, org_code: str, batch_key: str) -> list[Subscription]:
        return [s for s in self._ordered() if s.batch_ref == (org_code, batch_key)]

    def _ordered(self) -> list[Subscription]:
        return sorted(self.rows.values(), key=lambda s: s.created_at)


class InMemoryWatchSchedules:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], WatchSchedule] = {}

    async def add_schedule(self, schedule: WatchSchedule) -> None:
        self.rows.setdefault(schedule.batch_ref, schedule)

    async def update_schedule(self, schedule: WatchSchedule) -> bool:
        if schedule.batch_ref not in self.rows:
            return False
        self.rows[schedule.batch_ref] = schedule
        return True

    async def claim_schedule(self, schedule: WatchSchedule, next_check_at: float) -> bool:
        stored = self.rows.get(schedule.batch_ref)
        if stored is None or stored.next_check_at != schedule.next_check_at:
            return False
        self.rows[schedule.batch_ref] = dataclasses.replace(stored, next_check_at=next_check_at)
        return True

    async def delete_schedule(self, org_code: str, batch_key: str) -> None:
        self.rows.pop((org_code, batch_key), None)

    async def due_schedules(self, now: float, limit: int) -> list[WatchSchedule]:
        due = [s for s in await self.schedules() if s.next_check_at <= now or math.isinf(now)]
        return due[:limit]

    async def schedules(self) -> list[WatchSchedule]:
        return sorted(self.rows.values(), key=lambda s: (s.next_check_at, s.batch_ref))


class InMemoryDeliveryLog:
    def __init__(self) -> None:
        self.rows: dict[tuple[int, int, str], Delivery] = {}

    async def entries(self, user_id: int, file_ids: Sequence[int]) -> list[Delivery]:
        wanted = set(file_ids)
        return [d for d in self.rows.values() if d.user_id == user_id and d.file_id in wanted]

    async def record(
        self, user_id: int, items: Sequence[tuple[int, str]], state: DeliveryState
    ) -> None:
        for file_id, version in items:
            self.rows.setdefault(
                (user_id, file_id, version), Delivery(user_id, file_id, version, state)
            )

    async def begin(self, user_id: int, file_id: int, version: str) -> Delivery:
        key = (user_id, file_id, version)
        entry = self.rows.get(key)
        if entry is None:
            entry = Delivery(user_id, file_id, version, DeliveryState.PENDING, attempts=1)
        elif entry.state is DeliveryState.PENDING:
            entry = dataclasses.replace(entry, attempts=entry.attempts + 1)
        self.rows[key] = entry
        return entry

    async def complete(
        self, user_id: int, file_id: int, version: str, state: DeliveryState, message_id: int | None
    ) -> None:
        key = (user_id, file_id, version)
        entry = self.rows.get(key)
        if entry is not None and entry.state is DeliveryState.PENDING:
            self.rows[key] = dataclasses.replace(entry, state=state, message_id=message_id)

    def states(self, user_id: int) -> dict[tuple[int, str], DeliveryState]:
        return {(d.file_id, d.version): d.state for d in self.rows.values() if d.user_id == user_id}


class InMemoryWatchPreferences:
    def __init__(self) -> None:
        self.quiet: dict[int, QuietHours] = {}

    async def save_quiet_hours(self, user_id: int, quiet: QuietHours | None) -> None:
        if quiet is None:
            self.quiet.pop(user_id, None)
        else:
            self.quiet[user_id] = quiet

    async def quiet_hours(self, user_id: int) -> QuietHours | None:
        return self.quiet.get(user_id)
