"""When a watched batch is checked next: every `every_s` at most, spread further apart when
the budget cannot pay for that many checks, with jitter so checks do not bunch up, and with
exponential backoff after failed or slow checks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cpbatch.application.watch.budget import HOUR_S


@dataclass
class Pacing:
    every_s: float  # the shortest time between two checks of one batch
    per_hour: int  # the listing budget
    jitter: float = 0.1  # a check lands up to this share of its spacing later
    max_backoff_s: float = 6 * HOUR_S
    slow_after_s: float = 30.0  # a check taking longer counts as a failure for pacing
    rng: random.Random = field(default_factory=random.Random)
    # Listing requests one check costs on average (its batch listing, and the subscribers'
    # own org listings when their cached copy has expired); learnt as checks run.
    cost_per_check: float = 1.0

    def spacing(self, batches: int) -> float:
        """Seconds between two checks of one batch, so that `batches` batches checked that
        often stay within the budget."""
        needed = HOUR_S * max(1, batches) * self.cost_per_check / self.per_hour
        return float(max(self.every_s, needed))

    def next_check(self, now: float, batches: int) -> float:
        return now + self.spacing(batches) * (1 + self.rng.uniform(0, self.jitter))

    def first_check(self, now: float, batches: int) -> float:
        """A new watch: anywhere in the first spacing, so a burst of watches spreads out."""
        return now + self.spacing(batches) * self.rng.uniform(0.5, 1 + self.jitter)

    def after_failure(self, now: float, batches: int, failures: int) -> float:
        backoff = self.spacing(batches) * 2.0 ** min(failures, 16)
        return now + min(backoff, max(self.max_backoff_s, self.every_s)) * (
            1 + self.rng.uniform(0, self.jitter)
        )

    def learn(self, cost: int, batches: int) -> None:
        """Fold one check's measured cost into the running average, over about one round of
        every batch: a single check that refreshes many subscribers' listings is a spike, not
        the rate."""
        weight = 1 / max(10, batches)
        self.cost_per_check += weight * (max(1, cost) - self.cost_per_check)
