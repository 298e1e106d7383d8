"""HTTP statuses and failure envelopes -> domain errors, in one place.

Messages name the endpoint path (never the URL with its query, never a token) and say what
the user can do. Upstream `message` text is quoted only when it is short, printable and looks
like neither a URL nor a token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cpbatch.adapters.classplus.retry import RetryableStatus, reason_of
from cpbatch.domain.errors import (
    AuthenticationError,
    BatchFileNotFoundError,
    CpbatchError,
    DownloadFailedError,
    OrgCodeNotFoundError,
    RateLimitExceededError,
    UpstreamError,
)

TOKEN_REFUSED = "Your ClassPlus token is invalid or expired: log in again."  # noqa: S105


@dataclass(frozen=True, slots=True)
class CallErrors:
    """How the refusals of one API call read to the user.

    `not_found` is the message of a 404 (None: the endpoint itself is missing, an
    UpstreamError); `forbidden`, when set, is the message of a 403 that
    means "not yours" rather than "bad token" (raised as BatchFileNotFoundError).
    `org_lookup` turns every refusal (but a redirect) and failure envelope into
    OrgCodeNotFoundError."""

    path: str
    not_found: str | None = None
    forbidden: str | None = None
    org_lookup: bool = False

    def for_status(self, status: int, message: object = None) -> CpbatchError:
        """The error for a non-success, non-retryable HTTP status."""
        if 300 <= status < 400:  # checked first: a redirected lookup says nothing of the org
            return UpstreamError(
                f"ClassPlus answered {self.path} with a redirect (HTTP {status}); "
                "cpbatch does not follow redirects of the API."
            )
        if self.org_lookup:
            return OrgCodeNotFoundError(self.not_found or "Unknown organization code.")
        if status == 401 or (status == 403 and self.forbidden is None):
            return AuthenticationError(TOKEN_REFUSED)
        if status == 403 and self.forbidden is not None:
            return BatchFileNotFoundError(self.forbidden)
        if status in (404, 410) and self.not_found is not None:
            return BatchFileNotFoundError(self.not_found)
        quoted = safe_message(message)
        detail = f": {quoted}" if quoted else ""
        return UpstreamError(f"ClassPlus refused {self.path} (HTTP {status}){detail}")

    def for_failure(self, message: object = None) -> CpbatchError:
        """The error for a 2xx answer whose envelope says `status: failure`."""
        if self.org_lookup:
            return OrgCodeNotFoundError(self.not_found or "Unknown organization code.")
        quoted = safe_message(message)
        detail = f": {quoted}" if quoted else ""
        return UpstreamError(f"ClassPlus reported a failure for {self.path}{detail}")

    def after_retries(self, exc: BaseException, attempts: int) -> CpbatchError:
        """The error once the retry budget is spent on a retryable failure."""
        return gave_up(self.path, exc, attempts)


def gave_up(what: str, exc: BaseException, attempts: int) -> CpbatchError:
    """RateLimitExceededError after 429s, DownloadFailedError after 5xx or transport errors."""
    if isinstance(exc, RetryableStatus) and exc.status == 429:
        wait = exc.retry_after
        hint = f"wait {math.ceil(wait)} s and try again" if wait else "try again later"
        return RateLimitExceededError(
            f"ClassPlus is limiting requests ({what}, {attempts} tries): {hint}.",
            retry_after=wait,
        )
    return DownloadFailedError(
        f"ClassPlus did not answer {what} after {attempts} tries: {reason_of(exc)}."
    )


def upstream_shape_error(path: str, what: str) -> UpstreamError:
    return UpstreamError(f"ClassPlus answered {path} with {what}.")


def safe_message(message: object, limit: int = 200) -> str | None:
    """Upstream message text fit to show a user, or None."""
    if not isinstance(message, str):
        return None
    text = message.strip()
    if not text or len(text) > limit or not text.isprintable():
        return None
    lowered = text.lower()
    if "://" in lowered or "eyj" in lowered or "<" in text:
        return None
    return text
