"""Driver failures -> StorageError, in one place, with messages safe to show and to log.

A driver's message can quote stored values (a duplicate key, a document that failed
validation) or server addresses, so it is never passed on: the error names what cpbatch was
doing and a short, fixed description of what went wrong. Nothing here ever sees the URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from bson.errors import BSONError
from pymongo.errors import (
    ConfigurationError,
    ConnectionFailure,
    CursorNotFound,
    ExecutionTimeout,
    OperationFailure,
    PyMongoError,
    WTimeoutError,
)

from cpbatch.domain.errors import StorageError

log = structlog.get_logger(__name__)

_AUTH_FAILED = 18
_UNAUTHORIZED = 13
# Encoding failures are raised by the BSON encoder before anything is sent.
DRIVER_ERRORS = (PyMongoError, BSONError, UnicodeEncodeError, OverflowError)


def describe(exc: BaseException) -> str:
    """A short, fixed description of a driver error (no driver text, no values)."""
    if isinstance(exc, ConnectionFailure):  # includes server selection and network timeouts
        return "the MongoDB server could not be reached in time"
    if isinstance(exc, OperationFailure):
        if exc.code == _AUTH_FAILED:
            return "MongoDB refused the credentials (authentication failed)"
        if exc.code == _UNAUTHORIZED:
            return "the MongoDB user is not allowed to do this"
        if isinstance(exc, ExecutionTimeout | WTimeoutError):
            return "MongoDB took too long"
        if isinstance(exc, CursorNotFound):
            return "a MongoDB cursor expired"
        return f"MongoDB refused the operation (error code {exc.code})"
    if isinstance(exc, ConfigurationError):
        return "the MongoDB settings are not valid"
    if isinstance(exc, UnicodeEncodeError | OverflowError | BSONError):
        return "a value cannot be stored as BSON"
    return f"MongoDB failed ({type(exc).__name__})"


def storage_error(doing: str, exc: BaseException) -> StorageError:
    log.warning("mongo_operation_failed", doing=doing, error=type(exc).__name__)
    return StorageError(f"MongoDB storage failed to {doing}: {describe(exc)}.")


@contextmanager
def mongo_errors(doing: str) -> Iterator[None]:
    """Translate driver errors raised inside the block into StorageError (without the
    driver's message or a chained cause). Every other exception passes through unchanged."""
    try:
        yield
    except DRIVER_ERRORS as exc:
        raise storage_error(doing, exc) from None
