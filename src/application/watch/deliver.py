"""Delivering one subscriber's due files, exactly once per (user, file id, version).

The log is written on both sides of each send: the intent (PENDING, durable) before the
file goes out, and SENT with the chat service's message id once it confirmed it. A crash
before the send leaves PENDING: the next check sends it, nothing is skipped. A crash after
the confirmation leaves SENT: never sent again. Only a crash in the instant between the chat
service confirming and the log recording it can repeat that one file after a restart (a bot
cannot ask Telegram what it already sent); we choose that over skipping it.

Quiet hours hold everything back, unlogged, until a check after they end. A round sends at
most `max_files`; the rest are counted in one "and M more: /sync" note and logged as
ANNOUNCED, so a large upload does not flood the chat round after round."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence

from cpbatch.application.logs import get_logger
from cpbatch.application.ports.watch import DeliveryLog, WallClock, WatchPreferences, WatchRecipient
from cpbatch.application.watch import texts
from cpbatch.application.watch.changes import MAX_ATTEMPTS, Due, due_files
from cpbatch.domain.errors import AuthenticationError, CpbatchError, ValidationError
from cpbatch.domain.models import BatchFile, StoredFile
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.watch import DeliveryState, Subscription

log = get_logger(__name__)
StoreOnce = Callable[[BatchFile], Awaitable[StoredFile]]  # the file's bytes, fetched once


class SubscriberDelivery:
    def __init__(
        self,
        deliveries: DeliveryLog,
        preferences: WatchPreferences,
        recipient: WatchRecipient,
        clock: WallClock,
        max_files: int,
    ) -> None:
        self._log = deliveries
        self._preferences = preferences
        self._recipient = recipient
        self._clock = clock
        self._max_files = max_files

    async def run(
        self, subscription: Subscription, files: Sequence[BatchFile], store: StoreOnce
    ) -> int:
        """Send what the subscriber has not had of `files` (their batch's current listing);
        returns how many files were sent. Raises AuthenticationError when the fetching
        token stopped working (nothing is logged for the file it was fetching)."""
        user = subscription.user_id
        entries = await self._log.entries(user, [f.id for f in files])
        due = due_files(files, entries)
        if not due:
            return 0
        quiet = await self._preferences.quiet_hours(user)
        if quiet is not None and self._quiet_now(user, quiet):
            log.info("watch_quiet_hours", user_id=user, waiting=len(due))
            return 0
        now, later = due[: self._max_files], due[self._max_files :]
        sent = 0
        for item in now:
            sent += await self._send(subscription, item, store)
        if later:
            await self._recipient.tell(subscription, texts.more_files(subscription, len(later)))
            items = [(d.file.id, d.file.version) for d in later]
            await self._log.record(user, items, DeliveryState.ANNOUNCED)
        return sent

    def _quiet_now(self, user: int, quiet: QuietHours) -> bool:
        try:
            return quiet.quiet_at(self._clock())
        except ValidationError:  # a zone this host's time zone database does not know
            log.warning("watch_quiet_zone_unknown", user_id=user)
            return dataclasses.replace(quiet, zone="UTC").quiet_at(self._clock())

    async def _send(self, subscription: Subscription, item: Due, store: StoreOnce) -> int:
        file, user = item.file, subscription.user_id
        if item.exhausted:
            await self._give_up(subscription, file, "every attempt to send it was interrupted")
            return 0
        try:
            stored = await store(file)
        except AuthenticationError:
            raise
        except CpbatchError as error:  # not fetched: unlogged, so the next check tries again
            log.warning("watch_fetch_failed", file_id=file.id, error=error.kind)
            return 0
        entry = await self._log.begin(user, file.id, file.version)
        if entry.state.settled:
            return 0
        try:
            message_id = await self._recipient.deliver(subscription, file, stored, item.change)
        except CpbatchError as error:  # refused, or the stored bytes could not be read
            log.warning("watch_delivery_failed", file_id=file.id, attempts=entry.attempts)
            if entry.attempts >= MAX_ATTEMPTS:
                await self._give_up(subscription, file, str(error))
            return 0
        await self._log.complete(user, file.id, file.version, DeliveryState.SENT, message_id)
        log.info("watch_delivered", file_id=file.id, change=item.change.value)
        return 1

    async def _give_up(self, subscription: Subscription, file: BatchFile, reason: str) -> None:
        user = subscription.user_id
        await self._log.complete(user, file.id, file.version, DeliveryState.FAILED, None)
        await self._recipient.tell(subscription, texts.failed(subscription, file.name, reason))
