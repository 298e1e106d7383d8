"""The retry predicate, Retry-After, the envelope and the status -> domain error table."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest

from cpbatch.adapters.classplus.envelope import data_of
from cpbatch.adapters.classplus.errors import CallErrors, gave_up, safe_message
from cpbatch.adapters.classplus.retry import RetryableStatus, is_retryable, parse_retry_after
from cpbatch.domain.errors import (
    AuthenticationError,
    BatchFileNotFoundError,
    DownloadFailedError,
    OrgCodeNotFoundError,
    RateLimitExceededError,
    UpstreamError,
)

CONTENT = CallErrors("/v2/course/content/get", not_found="gone", forbidden="not yours")
COURSES = CallErrors("/v2/courses")
ORGS = CallErrors("/v2/orgs/x", not_found="no such org", org_lookup=True)


@pytest.mark.parametrize(
    "exc",
    [
        RetryableStatus(503),
        RetryableStatus(429, 2.0),
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientPayloadError("cut"),
        aiohttp.ClientOSError(104, "reset"),
        TimeoutError(),
    ],
)
def test_transient_failures_are_retried(exc):
    assert is_retryable(exc)


@pytest.mark.parametrize("exc", [UpstreamError("x"), ValueError(), AuthenticationError("x")])
def test_everything_else_is_not(exc):
    assert not is_retryable(exc)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:05 GMT", now) == 5.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("errors", "status", "error"),
    [
        (CONTENT, 401, AuthenticationError),
        (CONTENT, 403, BatchFileNotFoundError),
        (COURSES, 403, AuthenticationError),
        (CONTENT, 404, BatchFileNotFoundError),
        (COURSES, 404, UpstreamError),
        (COURSES, 400, UpstreamError),
        (COURSES, 302, UpstreamError),
        (ORGS, 404, OrgCodeNotFoundError),
        (ORGS, 400, OrgCodeNotFoundError),
    ],
)
def test_refusals_map_to_domain_errors(errors, status, error):
    with pytest.raises(error):
        data_of(status, b'{"status":"failure","message":"nope"}', errors)


def test_short_printable_upstream_messages_are_quoted_others_are_not():
    assert "courseId is required" in str(COURSES.for_status(400, "courseId is required"))
    assert "eyJ" not in str(COURSES.for_status(400, "bad token eyJabc"))
    assert safe_message("see https://x/y") is None
    assert safe_message("x" * 500) is None
    assert safe_message("<html>") is None


def test_envelope_success_and_failures():
    assert data_of(200, b'{"status":"success","data":{"a":1}}', COURSES) == {"a": 1}
    assert data_of(200, b'{"data":[1]}', COURSES) == [1]  # tolerated: no status
    assert data_of(304, b"", COURSES) is None
    with pytest.raises(UpstreamError, match=r"/v2/courses with something that is not JSON"):
        data_of(200, b"<html><body>Oops</body></html>", COURSES)
    with pytest.raises(UpstreamError, match="/v2/courses"):
        data_of(200, b"[1, 2]", COURSES)
    with pytest.raises(UpstreamError, match="failure for /v2/courses: nope"):
        data_of(200, b'{"status":"failure","message":"nope"}', COURSES)
    with pytest.raises(OrgCodeNotFoundError):
        data_of(200, b'{"status":"failure"}', ORGS)


def test_giving_up_says_what_failed_without_a_url():
    limited = gave_up("/v2/courses", RetryableStatus(429, 2.5), 4)
    assert isinstance(limited, RateLimitExceededError)
    assert limited.retry_after == 2.5
    down = gave_up("/v2/courses", RetryableStatus(502), 4)
    assert isinstance(down, DownloadFailedError)
    assert str(down) == "ClassPlus did not answer /v2/courses after 4 tries: HTTP 502."
    assert "ServerDisconnectedError" in str(gave_up("/v2/x", aiohttp.ServerDisconnectedError(), 2))


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_org_lookup_is_an_upstream_error_naming_the_path(status: int) -> None:
    error = ORGS.for_status(status)

    assert isinstance(error, UpstreamError)
    assert "/v2/orgs/x" in str(error)
