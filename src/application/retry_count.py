"""Retries counted per run: a run opens a count, and the adapters report each retry of a request
into whatever count is open in their context. Tasks started inside a run inherit its count; a
sync running beside it (another command, another bot job) has its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RetryCount:
    retries: int = 0


_open: ContextVar[RetryCount | None] = ContextVar("cpbatch_retry_count", default=None)


@contextmanager
def counting_retries() -> Iterator[RetryCount]:
    count = RetryCount()
    reset = _open.set(count)
    try:
        yield count
    finally:
        _open.reset(reset)


def report_retry() -> None:
    """Called by an adapter before it waits to try a request again."""
    count = _open.get()
    if count is not None:
        count.retries += 1
