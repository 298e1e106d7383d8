"""A per-user token bucket: bursts up to `count` requests, refilled evenly over `period_s`."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from cpbatch.application.expiring import ExpiringStore


class Admission(enum.Enum):
    ALLOWED = "allowed"
    LIMITED = "limited"  # the first refusal in a row: tell the user, politely
    LIMITED_AGAIN = "limited_again"  # further refusals: stay quiet rather than add to the flood


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    refill_per_s: float
    tokens: float
    updated_at: float
    told: bool = False  # the user was told they are limited, since their last admitted request

    def take(self, now: float) -> bool:
        elapsed = max(0.0, now - self.updated_at)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_s)
        self.updated_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class RequestRateLimiter:
    def __init__(self, count: int, period_s: float, clock: Callable[[], float]) -> None:
        self._count = count
        self._refill_per_s = count / period_s
        self._clock = clock
        # An idle bucket is full again after one period, so forgetting it then loses nothing.
        self._buckets: ExpiringStore[int, TokenBucket] = ExpiringStore(period_s, clock)

    def admit(self, user_id: int) -> Admission:
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = TokenBucket(self._count, self._refill_per_s, self._count, now)
        self._buckets.put(user_id, bucket)
        if bucket.take(now):
            bucket.told = False
            return Admission.ALLOWED
        if bucket.told:
            return Admission.LIMITED_AGAIN
        bucket.told = True
        return Admission.LIMITED

    def retry_after_s(self) -> float:
        """How long until one more request is allowed, for the polite message."""
        return 1 / self._refill_per_s
