"""How often the server under test removes expired documents, made short where it allows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo.database import Database
from pymongo.errors import OperationFailure

MONGOD_DEFAULT_S = 60.0  # mongod's (and Atlas's) ttlMonitorSleepSecs
FAST_S = 1


@contextmanager
def ttl_monitor_period(admin: Database[dict[str, Any]]) -> Iterator[float]:
    """Yields the TTL monitor's period in seconds (an upper bound where it cannot be read).

    mongod: ttlMonitorSleepSecs is lowered to 1 s, and restored on exit. A server that refuses
    it (Atlas) or answers getParameter without it (SecantusDB, whose sweep period is set only
    when it starts: 1 s in this test session, see secantus_launcher.py) keeps its own period.
    """
    try:
        reply = admin.command("getParameter", 1, ttlMonitorSleepSecs=1)
    except OperationFailure:
        reply = {}
    before = reply.get("ttlMonitorSleepSecs")
    if before is None:
        yield MONGOD_DEFAULT_S
        return
    try:
        admin.command("setParameter", 1, ttlMonitorSleepSecs=FAST_S)
    except OperationFailure:
        yield float(before)
        return
    try:
        yield float(FAST_S)
    finally:
        admin.command("setParameter", 1, ttlMonitorSleepSecs=before)
