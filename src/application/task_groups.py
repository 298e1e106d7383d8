"""Small helpers for concurrent work: plain errors out of task groups, and progress events
that can never break the work they report on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cpbatch.application.logs import get_logger

log = get_logger(__name__)


@contextmanager
def first_error() -> Iterator[None]:
    """Re-raise a task group's first error as itself, so callers see AuthenticationError and
    not an ExceptionGroup."""
    try:
        yield
    except BaseExceptionGroup as group:
        raise group.exceptions[0] from None


def notify(event: Callable[..., None], *args: object) -> None:
    """Progress is for show: a listener that fails must not stop or corrupt the work."""
    try:
        event(*args)
    except Exception:
        log.exception("sync_progress_listener_failed", event=getattr(event, "__name__", "?"))
