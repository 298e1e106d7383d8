"""Fault injection: what can go wrong, and a seeded decider that plans it per request."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Literal

FaultScope = Literal["all", "api", "files"]
RequestKind = Literal["api", "files"]
BodyFault = Literal["reset", "truncate", "stall", "trickle"]


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Rates are probabilities per request (0.0-1.0). Body faults (reset, truncate, stall,
    trickle) apply to file bodies only; the others to every request in `scope`. A trickle sends
    part of the body, then one byte every `trickle_s` seconds (just inside a client's read
    timeout, it never times out); `trickle_file_ids` trickle on every request."""

    rate_5xx: float = 0.0
    rate_429: float = 0.0
    retry_after_s: float = 1.0
    rate_reset: float = 0.0
    rate_truncate: float = 0.0
    latency_s: float = 0.0
    rate_stall: float = 0.0
    stall_s: float = 0.0
    rate_trickle: float = 0.0
    trickle_s: float = 1.0
    trickle_file_ids: frozenset[int] = frozenset()
    scope: FaultScope = "all"
    seed: int = 0
    fail_always_file_ids: frozenset[int] = frozenset()
    max_requests_per_second: float | None = None

    def covers(self, kind: RequestKind) -> bool:
        return self.scope in ("all", kind)


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """What to do to one request. `status` set means: answer with that error instead."""

    latency_s: float = 0.0
    status: int | None = None
    html_body: bool = False
    retry_after_s: float | None = None
    body_fault: BodyFault | None = None
    cut_fraction: float = 0.5  # where in the body a reset, truncation, stall or trickle happens
    stall_s: float = 0.0
    trickle_s: float = 0.0


NO_FAULT = FaultPlan()


class RequestBucket:
    """A server-side token bucket: `rate` requests per second, bursts up to `rate`."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._last = time.monotonic()

    def take(self) -> float | None:
        """Take one token; when none is left, return the seconds until one is."""
        now = time.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self._rate


class FaultInjector:
    """Plans faults from a `random.Random(config.seed)`, so a run is reproducible."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)  # noqa: S311 - reproducible runs
        rate = self.config.max_requests_per_second
        self._bucket = RequestBucket(rate) if rate else None

    def plan(self, kind: RequestKind, file_id: int | None = None) -> FaultPlan:
        config = self.config
        if file_id is not None and file_id in config.fail_always_file_ids:
            return FaultPlan(latency_s=config.latency_s, status=500)
        if file_id is not None and file_id in config.trickle_file_ids:
            return FaultPlan(
                latency_s=config.latency_s,
                body_fault="trickle",
                cut_fraction=0.0,
                trickle_s=config.trickle_s,
            )
        if not config.covers(kind):
            return NO_FAULT
        draws = [self._rng.random() for _ in range(5)]
        latency = config.latency_s
        if self._bucket is not None and (wait := self._bucket.take()) is not None:
            return FaultPlan(latency_s=latency, status=429, retry_after_s=max(1.0, wait))
        if draws[0] < config.rate_5xx:
            status = (500, 502, 503)[int(draws[3] * 3)]
            return FaultPlan(latency_s=latency, status=status, html_body=draws[4] < 0.5)
        if draws[1] < config.rate_429:
            return FaultPlan(latency_s=latency, status=429, retry_after_s=config.retry_after_s)
        body_fault = self._body_fault(draws[2]) if kind == "files" else None
        return FaultPlan(
            latency_s=latency,
            body_fault=body_fault,
            cut_fraction=0.2 + 0.6 * draws[3],
            stall_s=config.stall_s,
            trickle_s=config.trickle_s,
        )

    def _body_fault(self, draw: float) -> BodyFault | None:
        config = self.config
        candidates: tuple[tuple[BodyFault, float], ...] = (
            ("reset", config.rate_reset),
            ("truncate", config.rate_truncate),
            ("stall", config.rate_stall),
            ("trickle", config.rate_trickle),
        )
        for fault, rate in candidates:
            if draw < rate:
                return fault
            draw -= rate
        return None


def retry_after_header(seconds: float) -> str:
    """Retry-After carries whole seconds."""
    return str(max(1, math.ceil(seconds)))
