"""The error taxonomy. Every message is written for the person using cpbatch.

The first six names are the seed project's; callers that caught them keep working.
"""

from __future__ import annotations


class CpbatchError(Exception):
    """Base of every error cpbatch raises on purpose. `str(error)` is safe to show a user."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CpbatchError):
    """Input (from a user, a config file or upstream) that cannot be accepted as given."""

    kind = "validation_error"


class OrgCodeNotFoundError(CpbatchError):
    kind = "org_code_not_found"


class BatchFileNotFoundError(CpbatchError):
    """The file (or batch) is not in the caller's own listing."""

    kind = "batch_file_not_found"


class DownloadFailedError(CpbatchError):
    kind = "download_failed"


class StorageError(CpbatchError):
    kind = "storage_error"


class RateLimitExceededError(CpbatchError):
    kind = "rate_limit_exceeded"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthenticationError(CpbatchError):
    """Missing, invalid or expired ClassPlus token."""

    kind = "authentication_error"


class NotDownloadableError(CpbatchError):
    """Videos, tests, locked items and unknown content: listed, never fetched."""

    kind = "not_downloadable"


class UpstreamError(CpbatchError):
    """ClassPlus answered something that does not fit its contract (bad JSON, missing fields)."""

    kind = "upstream_error"


class CredentialError(CpbatchError):
    """Stored credentials cannot be used (wrong SECRET_KEY, damaged data); nothing is deleted."""

    kind = "credential_error"


class DeliveryError(CpbatchError):
    """A file could not be delivered to the chat (after waiting out limits and retrying)."""

    kind = "delivery_error"


class ListingTooLargeError(UpstreamError):
    """A listing went past a configured cap (pages, items or folders): ClassPlus kept sending
    more than any real course holds. That listing stops; the others go on."""

    kind = "listing_too_large"
