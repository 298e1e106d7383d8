"""Short, secret-free reasons for a failed health check: the endpoint is unauthenticated, so
whatever it shows is public."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from cpbatch.domain.errors import CpbatchError

MAX_REASON_CHARS = 120
_SECRETS = (
    (re.compile(r"([a-z][a-z0-9+.-]*://)[^/\s@]*@", re.IGNORECASE), r"\1***@"),  # user:pass@
    (re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "***"),  # JWTs
    (re.compile(r"\b\d{5,16}:[A-Za-z0-9_-]{30,}"), "***"),  # Telegram bot tokens
    (re.compile(r"((?:password|passwd|pwd|token|secret|key)=)[^&\s]+", re.IGNORECASE), r"\1***"),
)


def short_reason(error: BaseException) -> str:
    """A one-line reason. cpbatch's own errors are written for users and are shown (redacted);
    anything else shows only its type, since drivers' messages may quote hosts or URIs."""
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, CpbatchError):
        return shorten(str(error))
    return type(error).__name__


def shorten(text: str) -> str:
    """The first line of `text`, secrets masked, at most MAX_REASON_CHARS characters."""
    lines = text.strip().splitlines()
    line = lines[0] if lines else "unknown"
    for pattern, replacement in _SECRETS:  # before cutting: a cut secret would not match
        line = pattern.sub(replacement, line)
    if len(line) > MAX_REASON_CHARS:
        line = line[: MAX_REASON_CHARS - 1] + "…"
    return line


async def storage_status(ping: Callable[[], Awaitable[object]]) -> str:
    """`ok` when `ping` returns, else `error: <short reason>`; never raises (but cancels)."""
    try:
        await ping()
    except Exception as error:
        return f"error: {short_reason(error)}"
    return "ok"
