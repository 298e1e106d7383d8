"""Watching a batch: who subscribed to which batch, when each watched batch is checked next,
and what was delivered to whom (the delivery log that makes deliveries happen once)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SubscriptionStatus(Enum):
    ACTIVE = "active"
    PAUSED = "paused"  # the subscriber lost access (token expired, batch gone): until a new login


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat user watching one batch of one org."""

    user_id: int
    chat_id: int
    org_code: str
    batch_key: str  # "course:123" or "batch:45", as Batch.key
    batch_name: str
    created_at: float  # seconds since the epoch
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    # The principal of the token that stopped working: only a login with another token resumes.
    # None while paused for want of access with a working token: asked about at each check.
    paused_principal: str | None = None

    @property
    def batch_ref(self) -> tuple[str, str]:
        return self.org_code, self.batch_key

    @property
    def active(self) -> bool:
        return self.status is SubscriptionStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class WatchSchedule:
    """When a watched batch is listed next. One per batch, however many watch it: its
    subscribers share one listing per check."""

    org_code: str
    batch_key: str
    next_check_at: float  # seconds since the epoch
    last_check_at: float | None = None
    failures: int = 0  # consecutive failed or slow checks: the backoff's exponent

    @property
    def batch_ref(self) -> tuple[str, str]:
        return self.org_code, self.batch_key


class DeliveryState(Enum):
    BASELINE = "baseline"  # already there when the watch began: never sent
    PENDING = "pending"  # about to be sent; a send not yet confirmed by the chat service
    SENT = "sent"  # the chat service confirmed the message
    ANNOUNCED = "announced"  # over a round's limit: counted in an "and M more: /sync" note
    FAILED = "failed"  # refused on every attempt; the user was told

    @property
    def settled(self) -> bool:
        """Nothing more is to be done for this (user, file, version)."""
        return self is not DeliveryState.PENDING


@dataclass(frozen=True, slots=True)
class Delivery:
    """One entry of the delivery log: a version of a file, for one user."""

    user_id: int
    file_id: int
    version: str
    state: DeliveryState
    message_id: int | None = None  # the chat service's id of the sent message
    attempts: int = 0


class Change(Enum):
    NEW = "new"
    UPDATED = "updated"
