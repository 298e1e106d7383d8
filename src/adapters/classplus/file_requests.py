"""One GET of a file's bytes from an offset: redirects re-checked, retries, status checks.

File requests carry no token and no cookies (the URL is the capability) and are not counted
by the API rate limiter. Logs and messages name the file id and host, never the URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiohttp
import structlog
from yarl import URL

from cpbatch.adapters.classplus.errors import gave_up
from cpbatch.adapters.classplus.guarded_resolver import RefusedAddress
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.retry import (
    RetryableStatus,
    is_retryable,
    is_retryable_status,
    parse_retry_after,
    retrying,
)
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.url_policy import check_file_url
from cpbatch.domain.errors import BatchFileNotFoundError, DownloadFailedError, NotDownloadableError

log = structlog.get_logger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


@dataclass(slots=True)
class FileResponse:
    """An open response positioned at `offset`. `skip` bytes must be dropped first (a 200
    answering a ranged first request); `total` is the whole file's size if known."""

    response: aiohttp.ClientResponse | None
    offset: int
    total: int | None
    resumable: bool
    validator: str | None
    skip: int = 0


class FileRequester:
    """Issues the requests of one file; `url` already passed the URL policy."""

    def __init__(self, api: ApiClient, settings: ClassPlusSettings, file_id: int, url: URL) -> None:
        self._api = api
        self._settings = settings
        self._file_id = file_id
        self._url = url

    async def get(self, offset: int, *, resuming: bool, validator: str | None) -> FileResponse:
        """The response from `offset`, retried on transient failures.

        A resume accepts only 206 starting exactly at `offset`; a first request with an
        offset also accepts 200 (the bytes before `offset` are then skipped)."""
        attempts = 0
        try:
            async for attempt in retrying(
                self._settings, self._api.count_retry, file_id=self._file_id, host=self._url.host
            ):
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    resp = await self._follow(offset, validator if resuming else None)
        except Exception as exc:
            if isinstance(exc, RefusedAddress):  # a redirect hop's host, or the first one
                raise NotDownloadableError(
                    f"File {self._file_id} is not on an allowed ClassPlus file host ({exc}); "
                    "cpbatch will not fetch it."
                ) from None
            if is_retryable(exc):
                raise gave_up(f"file {self._file_id}", exc, attempts) from None
            if isinstance(exc, aiohttp.ClientError | ValueError):  # e.g. InvalidURL
                raise DownloadFailedError(
                    f"cpbatch could not fetch file {self._file_id}: {type(exc).__name__}."
                ) from None
            raise
        try:
            return self._accept(resp, offset, resuming=resuming)
        except BaseException:
            resp.close()
            raise

    async def _follow(self, offset: int, validator: str | None) -> aiohttp.ClientResponse:
        url = self._url
        session = self._api.session()
        for _ in range(self._settings.max_redirects + 1):
            resp = await session.get(
                url,
                headers=self._headers(offset, validator),
                allow_redirects=False,
                timeout=self._api.file_timeout(),
                auto_decompress=False,
            )
            if resp.status in _REDIRECTS:
                location = resp.headers.get("Location")
                resp.close()
                url = self._next_hop(url, location)
                continue
            if is_retryable_status(resp.status):
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                resp.close()
                raise RetryableStatus(resp.status, retry_after)
            return resp
        raise DownloadFailedError(
            f"The file host redirected file {self._file_id} too many times; giving up."
        )

    def _next_hop(self, current: URL, location: str | None) -> URL:
        if not location:
            raise DownloadFailedError(f"The file host redirected file {self._file_id} to nowhere.")
        try:
            target = current.join(URL(location))
        except (ValueError, TypeError):
            raise NotDownloadableError(
                f"File {self._file_id} redirects to an address cpbatch cannot read."
            ) from None
        target = check_file_url(target, self._settings, self._file_id)
        log.debug("classplus_file_redirect", file_id=self._file_id, host=target.host)
        return target

    def _headers(self, offset: int, validator: str | None) -> dict[str, str]:
        headers = {
            "user-agent": self._settings.user_agent,
            "accept": "*/*",
            "accept-encoding": "identity",  # byte offsets must mean file bytes
        }
        if offset:
            headers["range"] = f"bytes={offset}-"
            if validator:
                headers["if-range"] = validator
        return headers

    def _accept(self, resp: aiohttp.ClientResponse, offset: int, *, resuming: bool) -> FileResponse:
        status, fid = resp.status, self._file_id
        if status in (404, 410):
            raise BatchFileNotFoundError(
                f"ClassPlus no longer has this file (file {fid}): list the batch again."
            )
        if status in (401, 403):
            raise DownloadFailedError(
                f"The file host refused file {fid} (HTTP {status}): its link may have expired "
                "or been withdrawn; list the batch again and retry."
            )
        resumable = resp.headers.get("Accept-Ranges", "").strip().lower() == "bytes"
        validator = _validator(resp)
        if status == 206:
            start, total = _content_range(resp.headers.get("Content-Range"))
            if start != offset:
                raise DownloadFailedError(
                    f"The file host sent file {fid} from the wrong position; cannot resume."
                )
            return FileResponse(resp, offset, total, True, validator)
        if status == 200 and not (resuming and offset):
            return FileResponse(resp, offset, resp.content_length, resumable, validator, offset)
        if status == 200:
            raise DownloadFailedError(
                f"The transfer of file {fid} broke off and the file host restarted it from the "
                "beginning (the file may have changed); try again."
            )
        if status == 416:
            _, total = _content_range(resp.headers.get("Content-Range"))
            if total is not None and total == offset:  # nothing left to send
                resp.close()
                return FileResponse(None, offset, total, True, validator)
        raise DownloadFailedError(f"The file host answered HTTP {status} for file {fid}.")


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    """(first byte, total) of a Content-Range header; `bytes */N` gives (None, N)."""
    if value and value.strip().lower().startswith("bytes */"):
        tail = value.strip()[8:]
        return None, int(tail) if tail.isdigit() else None
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if not match:
        return None, None
    total = match.group(3)
    return int(match.group(1)), int(total) if total.isdigit() else None


def _validator(resp: aiohttp.ClientResponse) -> str | None:
    """A strong ETag, else Last-Modified: sent as If-Range so a changed file is not spliced."""
    etag = resp.headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return etag
    return resp.headers.get("Last-Modified")
