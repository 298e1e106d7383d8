"""WatchBatch, UnwatchBatch and ListWatches: starting, ending and showing a user's watches.

Watching starts from the user's own fresh listing of the batch (their entitlement, checked by
GetBatchFiles): what it shows then is the baseline, logged as never to be sent, so only files
that appear or change afterwards are delivered. Watching a batch one watches already changes
nothing: files waiting for them (quiet hours, a failed fetch) are still sent."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cpbatch.application.ports.watch import (
    DeliveryLog,
    Subscriptions,
    WallClock,
    WatchSchedules,
)
from cpbatch.application.use_cases import GetBatchFiles
from cpbatch.application.watch.pacing import Pacing
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import BatchSource
from cpbatch.domain.selectors import BatchSelector
from cpbatch.domain.watch import DeliveryState, Subscription, SubscriptionStatus, WatchSchedule


@dataclass(frozen=True, slots=True)
class Watching:
    subscription: Subscription
    schedule: WatchSchedule | None  # None only while a check is being set up
    org_name: str = ""


class WatchBatch:
    def __init__(
        self,
        get_batch_files: GetBatchFiles,
        subscriptions: Subscriptions,
        schedules: WatchSchedules,
        deliveries: DeliveryLog,
        pacing: Pacing,
        clock: WallClock,
    ) -> None:
        self._get_batch_files = get_batch_files
        self._subscriptions = subscriptions
        self._schedules = schedules
        self._log = deliveries
        self._pacing = pacing
        self._clock = clock

    async def execute(
        self,
        user_id: int,
        chat_id: int,
        token: AccessToken,
        org_code: str | OrgCode,
        batch: str | int | BatchSelector,
    ) -> Watching:
        """Raises what GetBatchFiles raises (the batch is not the user's to open, ...)."""
        found = await self._get_batch_files.execute(token, org_code, batch, force_refresh=True)
        code = found.org.code.value
        now = self._clock()
        subscription = Subscription(user_id, chat_id, code, found.batch.key, found.batch.name, now)
        existing = next(
            (
                s
                for s in await self._subscriptions.subscriptions_of(user_id)
                if s.batch_ref == subscription.batch_ref
            ),
            None,
        )
        if existing is None:
            baseline = [(f.id, f.version) for f in found.files if f.downloadable]
            await self._log.record(user_id, baseline, DeliveryState.BASELINE)
            await self._subscriptions.save_subscription(subscription)
        else:  # their listing was just read with this token: a paused watch is resumed
            subscription = dataclasses.replace(
                existing,
                chat_id=chat_id,
                batch_name=found.batch.name,
                status=SubscriptionStatus.ACTIVE,
                paused_principal=None,
            )
            await self._subscriptions.save_subscription(subscription)
        batches = len(await self._schedules.schedules()) + 1
        first = WatchSchedule(code, found.batch.key, self._pacing.first_check(now, batches))
        await self._schedules.add_schedule(first)
        return Watching(subscription, await self._schedule_of(subscription), found.org.name)

    async def _schedule_of(self, subscription: Subscription) -> WatchSchedule | None:
        return next(
            (s for s in await self._schedules.schedules() if s.batch_ref == subscription.batch_ref),
            None,
        )


class UnwatchBatch:
    def __init__(self, subscriptions: Subscriptions, schedules: WatchSchedules) -> None:
        self._subscriptions = subscriptions
        self._schedules = schedules

    async def execute(
        self, user_id: int, org_code: str, batch: BatchSelector
    ) -> list[Subscription]:
        """End the user's watches of that batch (of both kinds when the selector names no
        kind); returns the ones ended. A batch nobody watches any more is no longer checked."""
        code = OrgCode.parse(org_code).value
        ended = [
            s
            for s in await self._subscriptions.subscriptions_of(user_id)
            if s.org_code == code and _selected(s.batch_key, batch)
        ]
        for subscription in ended:
            await self._subscriptions.delete_subscription(user_id, *subscription.batch_ref)
            if not await self._subscriptions.subscribers(*subscription.batch_ref):
                await self._schedules.delete_schedule(*subscription.batch_ref)
        return ended


class ListWatches:
    def __init__(self, subscriptions: Subscriptions, schedules: WatchSchedules) -> None:
        self._subscriptions = subscriptions
        self._schedules = schedules

    async def execute(self, user_id: int) -> list[Watching]:
        schedules = {s.batch_ref: s for s in await self._schedules.schedules()}
        return [
            Watching(s, schedules.get(s.batch_ref))
            for s in await self._subscriptions.subscriptions_of(user_id)
        ]


def _selected(batch_key: str, selector: BatchSelector) -> bool:
    kind, _, number = batch_key.partition(":")
    return number == str(selector.id) and selector.source in (None, *_kinds(kind))


def _kinds(kind: str) -> tuple[BatchSource, ...]:
    return tuple(source for source in BatchSource if source.value == kind)
