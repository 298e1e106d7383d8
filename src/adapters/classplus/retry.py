"""The one retry policy of the adapter (tenacity): what is retried, how long to wait.

Retried: connection errors, timeouts, broken bodies, HTTP 5xx and 429. Never another 4xx:
a bad request, a refused token or a missing file do not get better by asking again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from cpbatch.adapters.classplus.settings import ClassPlusSettings

log = structlog.get_logger(__name__)


class RetryableStatus(Exception):
    """An HTTP answer worth another try (5xx or 429). Carries no URL."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def is_retryable(exc: BaseException) -> bool:
    """True for transport failures, timeouts, broken bodies and RetryableStatus."""
    return isinstance(
        exc,
        RetryableStatus
        | aiohttp.ClientConnectionError
        | aiohttp.ClientPayloadError
        | asyncio.TimeoutError,
    )


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def reason_of(exc: BaseException) -> str:
    """A short, URL-free reason for logs and messages."""
    if isinstance(exc, RetryableStatus):
        return f"HTTP {exc.status}"
    if isinstance(exc, asyncio.TimeoutError):
        return "timeout"
    return type(exc).__name__


class _BackoffWithRetryAfter:
    """Jittered exponential backoff, but at least Retry-After (capped) after a 429."""

    def __init__(self, settings: ClassPlusSettings) -> None:
        self._jitter = wait_random_exponential(
            multiplier=settings.backoff_factor, max=settings.max_backoff_s
        )
        self._cap = settings.max_backoff_s

    def __call__(self, state: RetryCallState) -> float:
        wait = float(self._jitter(state))
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
            wait = max(wait, min(exc.retry_after, self._cap))
        return min(wait, self._cap)


def retrying(
    settings: ClassPlusSettings,
    on_retry: Callable[[], None],
    **context: object,
) -> AsyncRetrying:
    """An AsyncRetrying for one call. `context` (path, or file_id and host) goes into the
    warning logged before each sleep; it must never hold a token or a file URL. The last
    exception is re-raised as is once attempts are used up."""

    def before_sleep(state: RetryCallState) -> None:
        on_retry()
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "classplus_retry",
            attempt=state.attempt_number,
            wait_s=round(state.next_action.sleep, 3) if state.next_action else None,
            reason=reason_of(exc) if exc else None,
            **context,
        )

    return AsyncRetrying(
        retry=retry_if_exception(is_retryable),
        stop=stop_after_attempt(settings.max_retries + 1),
        wait=_BackoffWithRetryAfter(settings),
        before_sleep=before_sleep,
        reraise=True,
    )
