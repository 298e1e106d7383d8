"""The global budget of listing requests per hour that watching may spend upstream.

Every listing call the watcher makes (an org lookup, an org's batches, a batch's files) takes
one unit from a sliding one-hour window; when none is left the call is refused before it is
sent (BudgetSpent), and the caller tries again once a unit frees up. The gateway's own rate
limit (requests per second) still applies beneath this."""

from __future__ import annotations

from collections import deque
from contextlib import AbstractAsyncContextManager

from cpbatch.application.ports import CoursePlatform, FileStream
from cpbatch.application.ports.watch import WallClock
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org

HOUR_S = 3600.0


class BudgetSpent(Exception):
    """No listing request is left in this hour's budget."""


class ListingBudget:
    def __init__(self, per_hour: int, clock: WallClock, window_s: float = HOUR_S) -> None:
        if per_hour < 1:
            raise ValueError("a listing budget needs at least one request per hour")
        self.per_hour = per_hour
        self._clock = clock
        self._window_s = window_s
        self._spent: deque[float] = deque()
        self.total = 0  # every unit spent since start

    def available(self) -> int:
        self._forget_old(self._clock())
        return self.per_hour - len(self._spent)

    def spend(self) -> None:
        """Take one unit, or raise BudgetSpent."""
        now = self._clock()
        self._forget_old(now)
        if len(self._spent) >= self.per_hour:
            raise BudgetSpent
        self._spent.append(now)
        self.total += 1

    def frees_at(self) -> float:
        """When the next unit becomes available (now, when one is)."""
        now = self._clock()
        self._forget_old(now)
        if len(self._spent) < self.per_hour:
            return now
        return self._spent[0] + self._window_s

    def _forget_old(self, now: float) -> None:
        while self._spent and self._spent[0] <= now - self._window_s:
            self._spent.popleft()


class BudgetedPlatform:
    """A CoursePlatform whose listing calls spend the budget first; files pass through."""

    def __init__(self, platform: CoursePlatform, budget: ListingBudget) -> None:
        self._platform = platform
        self._budget = budget

    async def lookup_org(self, code: OrgCode) -> Org:
        self._budget.spend()
        return await self._platform.lookup_org(code)

    async def list_batches(self, org: Org, token: AccessToken) -> list[Batch]:
        self._budget.spend()
        return await self._platform.list_batches(org, token)

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        self._budget.spend()
        return await self._platform.list_files(batch, token)

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[FileStream]:
        return self._platform.open_file(file, start=start)

    async def check_token(self, org: Org, token: AccessToken) -> None:
        await self._platform.check_token(org, token)
