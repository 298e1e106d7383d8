"""Counters the adapter keeps for sync reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class GatewayStats:
    """Mutable counters, owned by one gateway. Only ever incremented on the event loop."""

    requests: int = 0  # API attempts sent (retries included)
    retries: int = 0  # sleeps before another attempt (API calls and file requests)
    resumes: int = 0  # file transfers continued with a Range request after a break
