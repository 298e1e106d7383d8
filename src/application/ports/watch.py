"""Ports of watching batches: the subscriptions, each watched batch's schedule, the delivery
log, each user's quiet hours, the wall clock, and where changes are delivered. Every storage
failure raises StorageError."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from cpbatch.domain.models import BatchFile, StoredFile
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import Change, Delivery, DeliveryState, Subscription, WatchSchedule

WallClock = Callable[[], float]  # seconds since the epoch: schedules outlive the process


class Subscriptions(Protocol):
    async def save_subscription(self, subscription: Subscription) -> None:
        """Insert or replace the user's subscription to that batch. Durable when it returns."""
        ...

    async def update_subscription(self, subscription: Subscription) -> bool:
        """Replace the subscription's state only if the user still watches that batch; False
        (and nothing written) when they stopped meanwhile. Durable when it returns."""
        ...

    async def delete_subscription(self, user_id: int, org_code: str, batch_key: str) -> bool:
        """True when there was one to delete."""
        ...

    async def subscriptions_of(self, user_id: int) -> list[Subscription]:
        """The user's subscriptions, oldest first."""
        ...

    async def subscribers(self, org_code: str, batch_key: str) -> list[Subscription]:
        """Everyone watching the batch (active or paused), oldest first."""
        ...


class WatchSchedules(Protocol):
    async def add_schedule(self, schedule: WatchSchedule) -> None:
        """Keep the batch's schedule, unless it has one already (then it is left as it is)."""
        ...

    async def update_schedule(self, schedule: WatchSchedule) -> bool:
        """Replace the batch's schedule only if it still has one; False (and nothing written)
        when the batch stopped being watched meanwhile."""
        ...

    async def claim_schedule(self, schedule: WatchSchedule, next_check_at: float) -> bool:
        """Move the batch's next check to `next_check_at` only if it is still `schedule` as
        read (same next check): True when this caller claimed the check, False when another
        process sharing the store claimed it first (or the batch is no longer watched)."""
        ...

    async def delete_schedule(self, org_code: str, batch_key: str) -> None: ...

    async def due_schedules(self, now: float, limit: int) -> list[WatchSchedule]:
        """Up to `limit` schedules whose next check is at or before `now`, earliest first."""
        ...

    async def schedules(self) -> list[WatchSchedule]:
        """Every schedule, earliest next check first."""
        ...


class DeliveryLog(Protocol):
    """What was delivered to whom, per (user, file id, version)."""

    async def entries(self, user_id: int, file_ids: Sequence[int]) -> list[Delivery]:
        """The user's entries for these files, every version."""
        ...

    async def record(
        self, user_id: int, items: Sequence[tuple[int, str]], state: DeliveryState
    ) -> None:
        """Record (file id, version) pairs in a settled state, leaving entries that exist
        as they are (a baseline never overwrites a sent entry)."""
        ...

    async def begin(self, user_id: int, file_id: int, version: str) -> Delivery:
        """Record the intent to send before sending: the entry becomes PENDING with one more
        attempt, unless it is settled already (returned unchanged). Durable when it returns."""
        ...

    async def complete(
        self, user_id: int, file_id: int, version: str, state: DeliveryState, message_id: int | None
    ) -> None:
        """Settle a PENDING entry (SENT with the chat service's message id, or FAILED)."""
        ...


class WatchPreferences(Protocol):
    async def save_quiet_hours(self, user_id: int, quiet: QuietHours | None) -> None:
        """None removes the user's quiet hours."""
        ...

    async def quiet_hours(self, user_id: int) -> QuietHours | None: ...


class WatchRecipient(Protocol):
    """Where a subscriber's changes go (the bot's chat)."""

    async def deliver(
        self, subscription: Subscription, file: BatchFile, stored: StoredFile, change: Change
    ) -> int | None:
        """Send the file (stored, and entitled for the subscriber) with a short note; returns
        the chat service's message id (of the last part). Raises DeliveryError."""
        ...

    async def tell(self, subscription: Subscription, text: str) -> None:
        """A message to the subscriber (the lost-access notice, the "and M more" note). Never
        raises DeliveryError: a message that cannot be delivered is logged and dropped."""
        ...
