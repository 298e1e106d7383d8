"""Distinct exit codes, so scripts can tell bad input from a login problem from a partial sync."""

from __future__ import annotations

from enum import IntEnum

from cpbatch.domain import errors


class ExitCode(IntEnum):
    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2
    AUTHENTICATION = 3
    NOT_FOUND = 4
    PARTIAL_FAILURE = 5
    UPSTREAM = 6
    STORAGE = 7
    RATE_LIMITED = 8
    NOT_DOWNLOADABLE = 9
    INTERRUPTED = 130


_BY_ERROR: tuple[tuple[type[errors.CpbatchError], ExitCode], ...] = (
    (errors.ValidationError, ExitCode.BAD_INPUT),
    (errors.AuthenticationError, ExitCode.AUTHENTICATION),
    (errors.CredentialError, ExitCode.AUTHENTICATION),  # a stored login to make again
    (errors.OrgCodeNotFoundError, ExitCode.NOT_FOUND),
    (errors.BatchFileNotFoundError, ExitCode.NOT_FOUND),
    (errors.NotDownloadableError, ExitCode.NOT_DOWNLOADABLE),
    (errors.RateLimitExceededError, ExitCode.RATE_LIMITED),
    (errors.StorageError, ExitCode.STORAGE),
    (errors.DownloadFailedError, ExitCode.UPSTREAM),
    (errors.UpstreamError, ExitCode.UPSTREAM),
)


def exit_code_for(error: BaseException) -> ExitCode:
    for kind, code in _BY_ERROR:
        if isinstance(error, kind):
            return code
    return ExitCode.UNEXPECTED
