"""The ports to ClassPlus: the course platform (orgs, listings, file bytes) and OTP login."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org


class FileStream(Protocol):
    """An opened upstream file. Iterating yields its bytes from the requested start offset to
    the end, resuming transparently after interruptions where upstream allows it."""

    @property
    def size(self) -> int | None:
        """Total size of the whole file in bytes (not just the remainder), if known."""
        ...

    @property
    def start(self) -> int:
        """Where the bytes begin: the `start` asked for, or 0 when the host sent the whole
        file again (it changed since the validator's transfer, or cannot send a part)."""
        ...

    @property
    def validator(self) -> str | None:
        """What the host calls this transfer (a strong ETag or Last-Modified), if anything:
        given back to `open_file`, a later run gets the rest of the same file only."""
        ...

    @property
    def resumes(self) -> int:
        """How many times the transfer was interrupted and resumed with a Range request."""
        ...

    def chunks(self) -> AsyncIterator[bytes]: ...


class CoursePlatform(Protocol):
    """ClassPlus as the use cases see it: orgs, what an account can open, and file bytes."""

    async def lookup_org(self, code: OrgCode) -> Org:
        """The org behind a code. Needs no token.

        Raises OrgCodeNotFoundError for an unknown code, UpstreamError for an answer that does
        not fit the contract, DownloadFailedError when ClassPlus cannot be reached, and
        RateLimitExceededError when throttled beyond the retry budget."""
        ...

    async def list_batches(self, org: Org, token: AccessToken) -> list[Batch]:
        """Every course and batch the token's own account can open in `org`, all pages.

        Raises AuthenticationError (missing, invalid or expired token) and the errors above."""
        ...

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        """Every item of the batch's content tree (folders walked, cycle-guarded, depth-limited),
        each once, with its folder path. Videos and tests are included with their kind.

        Raises NotDownloadableError, asking ClassPlus nothing, for a batch whose access expired;
        ListingTooLargeError past the listing caps; and the errors above."""
        ...

    def open_file(
        self, file: BatchFile, *, start: int = 0, validator: str | None = None
    ) -> AbstractAsyncContextManager[FileStream]:
        """Open a downloadable file's bytes from `start` (with `validator`, from `start` only
        if the file is still that transfer's: see FileStream.start).

        Raises NotDownloadableError for items that must not be fetched (videos, tests, locked,
        URLs outside the allowed hosts), DownloadFailedError when the transfer fails for good,
        ValidationError when the file exceeds the configured maximum size."""
        ...

    async def check_token(self, org: Org, token: AccessToken) -> None:
        """A cheap call that proves the token works for this org; AuthenticationError if not."""
        ...


class OtpLogin(Protocol):
    """Logging in with a one-time password ClassPlus sends to the user's own number."""

    async def request_otp(self, org: Org, mobile: str) -> str:
        """Ask ClassPlus to send a one-time password to the user's own registered mobile number;
        returns the OTP session id. Never retried automatically (ClassPlus throttles OTPs hard):
        RateLimitExceededError when throttled, ValidationError for a malformed number."""
        ...

    async def verify_otp(self, org: Org, mobile: str, session_id: str, otp: str) -> AccessToken:
        """Exchange the OTP for the user's access token. AuthenticationError for a wrong or
        expired OTP, or a number not registered in this org (never registers an account)."""
        ...
