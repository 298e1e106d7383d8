"""One check of one watched batch: each subscriber's access with their own token, one listing
of the batch shared by all of them (fetched with the first entitled subscriber's token), each
changed file fetched once, and each subscriber's due files delivered. What goes wrong for one
subscriber (their log, their settings, a store that did not answer for them) is theirs: the
others are still served, and theirs waits for the next check."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cpbatch.application.logs import get_logger
from cpbatch.application.ports.services import BatchListings
from cpbatch.application.ports.watch import Subscriptions, WallClock, WatchRecipient
from cpbatch.application.use_cases import DownloadBatch
from cpbatch.application.watch import texts
from cpbatch.application.watch.access import Entitled, Lost, SubscriberAccess
from cpbatch.application.watch.budget import BudgetSpent
from cpbatch.application.watch.deliver import SubscriberDelivery
from cpbatch.domain.errors import (
    AuthenticationError,
    CpbatchError,
    StorageError,
)
from cpbatch.domain.models import BatchFile, StoredFile
from cpbatch.domain.watch import Subscription, SubscriptionStatus

log = get_logger(__name__)


@dataclasses.dataclass
class CheckResult:
    listed: bool = False  # the batch was listed (False: nobody could, or the budget ran out)
    delivered: int = 0
    deferred: int = 0  # subscribers left for the next check (budget spent, store failing)
    listing_s: float = 0.0  # time spent waiting for ClassPlus's listings (not for deliveries)


class BatchCheck:
    def __init__(
        self,
        subscriptions: Subscriptions,
        access: SubscriberAccess,
        listings: BatchListings,
        download: DownloadBatch,
        delivery: SubscriberDelivery,
        recipient: WatchRecipient,
        clock: WallClock,
    ) -> None:
        self._clock = clock
        self._subscriptions = subscriptions
        self._access = access
        self._listings = listings
        self._download = download
        self._delivery = delivery
        self._recipient = recipient

    async def run(self, subscribers: Sequence[Subscription]) -> CheckResult:
        """Raises BudgetSpent when the batch itself could not be listed for want of budget,
        and upstream errors (the caller backs off)."""
        result = CheckResult()
        entitled: list[Entitled] = []
        for subscription in subscribers:
            began = self._clock()
            try:
                access = await self._access.resolve(subscription)
            except BudgetSpent:
                result.deferred += 1
                continue
            except StorageError as error:
                user_id = subscription.user_id
                log.warning("watch_subscriber_deferred", user_id=user_id, error=error.kind)
                result.deferred += 1
                continue
            finally:
                result.listing_s += self._clock() - began
            if isinstance(access, Lost):
                await self._pause(access)
            elif isinstance(access, Entitled) and (resumed := await self._resumed(access)):
                entitled.append(resumed)
        files, lister, entitled = await self._listing(entitled, result)
        if lister is None:
            return result
        result.listed = True
        fetched: dict[tuple[int, str], StoredFile] = {}

        async def store_once(file: BatchFile) -> StoredFile:
            key = (file.id, file.version)
            if key not in fetched:
                got = await self._download.execute(
                    lister.token, file.batch.org.code, file.id, batch=file.batch.key
                )
                fetched[key] = got.stored
            return fetched[key]

        for one in entitled:
            try:
                result.delivered += await self._delivery.run(one.subscription, files, store_once)
            except AuthenticationError:  # the lister's token stopped working mid-check
                log.warning("watch_lister_lost_access", user_id=lister.subscription.user_id)
                break
            except CpbatchError as error:  # theirs alone: the next check tries again
                user_id = one.subscription.user_id
                log.warning("watch_delivery_deferred", user_id=user_id, error=error.kind)
                result.deferred += 1
        return result

    async def _listing(
        self, entitled: list[Entitled], result: CheckResult
    ) -> tuple[tuple[BatchFile, ...], Entitled | None, list[Entitled]]:
        """The batch's files, listed with the first entitled subscriber's token that works,
        that subscriber, and the subscribers still entitled."""
        remaining = list(entitled)
        while remaining:
            lister = remaining[0]
            began = self._clock()
            try:
                files = await self._listings.batch_files(
                    lister.token, lister.batch, force_refresh=True
                )
            except AuthenticationError:
                result.listing_s += self._clock() - began
                principal = lister.token.principal
                await self._pause(Lost(lister.subscription, principal, texts.NOT_OPEN))
                remaining.pop(0)
                continue
            result.listing_s += self._clock() - began
            return files, lister, remaining
        return (), None, []

    async def _pause(self, lost: Lost) -> None:
        already = lost.subscription
        if not already.active and already.paused_principal == lost.principal:
            return  # paused already, for the same reason: nothing to store or say
        paused = dataclasses.replace(
            lost.subscription,
            status=SubscriptionStatus.PAUSED,
            paused_principal=lost.principal,
        )
        if not await self._subscriptions.update_subscription(paused):
            return  # they stopped watching while the check ran
        if lost.subscription.active:  # one message when access ends, none while paused
            log.info("watch_paused", user_id=paused.user_id, reason=lost.reason)
            text = texts.lost_access(paused, lost.reason, needs_login=lost.needs_login)
            await self._recipient.tell(paused, text)

    async def _resumed(self, entitled: Entitled) -> Entitled | None:
        if entitled.subscription.active:
            return entitled
        active = dataclasses.replace(
            entitled.subscription, status=SubscriptionStatus.ACTIVE, paused_principal=None
        )
        if not await self._subscriptions.update_subscription(active):
            return None  # they stopped watching while the check ran
        await self._recipient.tell(active, texts.resumed(active))
        log.info("watch_resumed", user_id=active.user_id)
        return dataclasses.replace(entitled, subscription=active)
