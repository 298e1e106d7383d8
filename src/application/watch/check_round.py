"""CheckWatches: one round over the watched batches that are due.

Why not a scheduling library: APScheduler 3.x keeps one job per trigger in its own job stores
(SQLAlchemy or a blocking pymongo client, pickled callables) on the wall clock, and 4.x is a
pre-release its authors say not to run in production; neither schedules against a shared
budget, shares one listing among a batch's subscribers, or runs on an injectable clock. What
is needed is small: a persisted next-check time per watched batch (in SQLite or MongoDB beside
the rest), a loop that takes the due ones earliest first, and pacing (pacing.py) that spreads
checks within the hourly listing budget, with jitter and backoff."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cpbatch.application.logs import bound, get_logger
from cpbatch.application.ports.watch import Subscriptions, WallClock, WatchSchedules
from cpbatch.application.watch.batch_check import BatchCheck
from cpbatch.application.watch.budget import BudgetSpent, ListingBudget
from cpbatch.application.watch.pacing import Pacing
from cpbatch.domain.errors import CpbatchError
from cpbatch.domain.watch import WatchSchedule

log = get_logger(__name__)
ROUND_LIMIT = 200  # batches looked at per round; the rest stay due for the next one


@dataclass
class RoundReport:
    checked: int = 0
    delivered: int = 0
    failed: int = 0
    out_of_budget: bool = False


class CheckWatches:
    def __init__(
        self,
        subscriptions: Subscriptions,
        schedules: WatchSchedules,
        check: BatchCheck,
        budget: ListingBudget,
        pacing: Pacing,
        clock: WallClock,
    ) -> None:
        self._subscriptions = subscriptions
        self._schedules = schedules
        self._check = check
        self._budget = budget
        self._pacing = pacing
        self._clock = clock
        self.paused_until = 0.0  # after an upstream failure, no check starts before this

    async def execute(self) -> RoundReport:
        report = RoundReport()
        now = self._clock()
        if now < self.paused_until:
            return report
        batches = len(await self._schedules.schedules())
        for schedule in await self._schedules.due_schedules(now, ROUND_LIMIT):
            if self._budget.available() < 1:
                report.out_of_budget = True
                break
            with bound(org=schedule.org_code, batch=schedule.batch_key):
                await self._one(schedule, batches, report)
            if self.paused_until > self._clock():
                break
        return report

    async def next_due(self) -> float | None:
        """When the earliest check is due (None: nothing is watched)."""
        first = await self._schedules.due_schedules(float("inf"), 1)
        when = first[0].next_check_at if first else None
        if when is not None and self._budget.available() < 1:
            when = max(when, self._budget.frees_at())
        return max(when, self.paused_until) if when is not None else None

    async def _one(self, schedule: WatchSchedule, batches: int, report: RoundReport) -> None:
        subscribers = await self._subscriptions.subscribers(*schedule.batch_ref)
        if not subscribers:
            await self._schedules.delete_schedule(*schedule.batch_ref)
            return
        started, spent_before = self._clock(), self._budget.total
        # Claimed first, only if no other process sharing the store claimed it since it was
        # read: a batch is checked by one bot at a time, and a crash mid-check waits for the
        # next check instead of retrying at once.
        if not await self._schedules.claim_schedule(
            schedule, self._pacing.next_check(started, batches)
        ):
            log.info("watch_check_taken_elsewhere")
            return
        try:
            result = await self._check.run(subscribers)
        except BudgetSpent:
            await self._schedules.update_schedule(
                dataclasses.replace(schedule, next_check_at=self._budget.frees_at())
            )
            report.out_of_budget = True
            return
        except CpbatchError as error:  # upstream failing: this batch and the round back off
            await self._backoff(schedule, batches, started, error.kind)
            report.failed += 1
            return
        now = self._clock()
        self._pacing.learn(self._budget.total - spent_before, batches)
        # Slow is ClassPlus's listings taking long, not a large upload to the chat.
        failures = schedule.failures + 1 if result.listing_s > self._pacing.slow_after_s else 0
        next_at = (
            self._pacing.after_failure(now, batches, failures)
            if failures
            else self._pacing.next_check(now, batches)
        )
        await self._schedules.update_schedule(
            dataclasses.replace(
                schedule, next_check_at=next_at, last_check_at=now, failures=failures
            )
        )
        report.checked += result.listed
        report.delivered += result.delivered
        log.info(
            "watch_checked",
            subscribers=len(subscribers),
            delivered=result.delivered,
            deferred=result.deferred,
            slow=failures > 0,
        )

    async def _backoff(
        self, schedule: WatchSchedule, batches: int, started: float, error: str
    ) -> None:
        failures = schedule.failures + 1
        next_at = self._pacing.after_failure(started, batches, failures)
        await self._schedules.update_schedule(
            dataclasses.replace(schedule, next_check_at=next_at, failures=failures)
        )
        self.paused_until = started + min(
            self._pacing.spacing(batches), 60.0 * 2.0 ** min(failures, 16)
        )
        log.warning("watch_check_failed", error=error, failures=failures)
