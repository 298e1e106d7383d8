"""Log lines from the application layer, in the adapters' shape: a short snake_case event and
key/values, never text with values formatted into it.

This layer may not import structlog, so it logs through the standard library with its fields
attached to the record; the entrypoints' logging setup lifts them into the line. `bound(...)`
adds fields (user, org, batch) to every line logged inside it, from any layer.

    log = get_logger(__name__)
    with bound(org="demo"):
        log.info("bot_job_started", kind="sync")
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

RECORD_FIELDS = "cpbatch_fields"  # the LogRecord attribute that carries a line's key/values

_bound: ContextVar[Mapping[str, object]] = ContextVar(
    "cpbatch_log_fields", default=MappingProxyType({})
)


@contextmanager
def bound(**fields: object) -> Iterator[None]:
    """Every line logged inside the block carries these fields (None values are left out):
    in this task and in the tasks created inside it, which copy the context when created."""
    given = {key: value for key, value in fields.items() if value is not None}
    token = _bound.set(MappingProxyType({**_bound.get(), **given}))
    try:
        yield
    finally:
        _bound.reset(token)


def bound_fields() -> Mapping[str, object]:
    """The fields bound where this is called."""
    return _bound.get()


class EventLogger:
    """A standard-library logger taking an event name and key/values."""

    __slots__ = ("_logger",)

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def debug(self, event: str, /, *, exc_info: bool = False, **fields: object) -> None:
        self._emit(logging.DEBUG, event, fields, exc_info)

    def info(self, event: str, /, *, exc_info: bool = False, **fields: object) -> None:
        self._emit(logging.INFO, event, fields, exc_info)

    def warning(self, event: str, /, *, exc_info: bool = False, **fields: object) -> None:
        self._emit(logging.WARNING, event, fields, exc_info)

    def error(self, event: str, /, *, exc_info: bool = False, **fields: object) -> None:
        self._emit(logging.ERROR, event, fields, exc_info)

    def exception(self, event: str, /, **fields: object) -> None:
        """An error line with the exception being handled."""
        self._emit(logging.ERROR, event, fields, True)

    def _emit(self, level: int, event: str, fields: dict[str, object], exc_info: bool) -> None:
        if self._logger.isEnabledFor(level):
            # One attribute, not each field as its own: `extra` may not shadow LogRecord's
            # attributes (name, msg, args, ...), and no field should have to avoid them.
            # stacklevel=3: the record points at the caller, not at this module.
            extra = {RECORD_FIELDS: fields}
            self._logger.log(level, event, exc_info=exc_info, extra=extra, stacklevel=3)


def get_logger(name: str) -> EventLogger:
    return EventLogger(name)
