"""The one aiohttp session of the adapter, and the choke point of every API call.

Every API request goes through `ApiClient.call`: the shared rate limiter, the retry policy,
the web header profile and the envelope parsing. The OTP endpoints alone use `call_once`:
the same limiter and headers, one attempt, the raw answer. The session is created lazily
inside the running loop, never at import or construction time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver
from aiolimiter import AsyncLimiter

from cpbatch.adapters.classplus.envelope import data_of
from cpbatch.adapters.classplus.errors import CallErrors, upstream_shape_error
from cpbatch.adapters.classplus.guarded_resolver import GuardedResolver, RefusedAddress
from cpbatch.adapters.classplus.retry import (
    RetryableStatus,
    is_retryable,
    is_retryable_status,
    parse_retry_after,
    retrying,
)
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.stats import GatewayStats
from cpbatch.application.retry_count import report_retry
from cpbatch.domain.errors import DownloadFailedError
from cpbatch.domain.identifiers import AccessToken

MAX_API_BODY = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """One unretried HTTP answer: status, body (capped) and Retry-After in seconds."""

    status: int
    body: bytes
    retry_after: float | None


class ApiClient:
    """Owns the session, the API rate limiter and the file-stream slots. Bound to one loop.

    Every host name is resolved through a GuardedResolver around `resolver` (aiohttp's default
    when None; tests pass a fixed mapping), so no connection reaches a special address."""

    def __init__(
        self,
        settings: ClassPlusSettings,
        stats: GatewayStats,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self._settings = settings
        self._stats = stats
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._limiter: AsyncLimiter | None = None
        self._file_slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def session(self) -> aiohttp.ClientSession:
        """The shared session, created on first use in the running loop."""
        loop = asyncio.get_running_loop()
        if self._closed:
            raise RuntimeError("This ClassPlus gateway is closed.")
        if self._session is None:
            s = self._settings
            connector = aiohttp.TCPConnector(
                limit=s.max_connections,
                limit_per_host=s.max_connections_per_host,
                ttl_dns_cache=300,
                resolver=GuardedResolver(
                    self._resolver or aiohttp.DefaultResolver(),
                    allow_loopback=s.allow_insecure_loopback,
                ),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # no cookies, to anyone
                trust_env=False,  # no proxy or .netrc credentials from the environment
                timeout=self.api_timeout(),
                # aiohttp's default 64 KiB pauses the socket at every turn; file bodies stream
                # at several hundred MB/s on a good link, so let it read ahead a little more.
                read_bufsize=1024 * 1024,
            )
            self._limiter = AsyncLimiter(s.rate_limit_requests, s.rate_limit_period_s)
            self._file_slots = asyncio.Semaphore(s.max_concurrent_files)
            self._loop = loop
        elif loop is not self._loop:
            raise RuntimeError("A ClassPlus gateway must be used from the loop it started in.")
        return self._session

    @property
    def file_slots(self) -> asyncio.Semaphore:
        self.session()
        assert self._file_slots is not None
        return self._file_slots

    def api_timeout(self) -> aiohttp.ClientTimeout:
        s = self._settings
        return aiohttp.ClientTimeout(
            total=s.timeout_s, connect=s.connect_timeout_s, sock_read=s.read_timeout_s
        )

    def file_timeout(self) -> aiohttp.ClientTimeout:
        s = self._settings
        return aiohttp.ClientTimeout(
            total=None, connect=s.connect_timeout_s, sock_read=s.read_timeout_s
        )

    async def call(
        self,
        method: str,
        path: str,
        errors: CallErrors,
        *,
        token: AccessToken | None = None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, object] | None = None,
    ) -> object:
        """The `data` of one API call, retried per policy; raises domain errors only."""
        session = self.session()
        attempts = 0
        try:
            async for attempt in retrying(self._settings, self.count_retry, path=path):
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    answer = await self._attempt(session, method, path, token, params, body)
        except Exception as exc:
            if isinstance(exc, RefusedAddress):
                raise refused_api_host(path, exc) from None
            if is_retryable(exc):
                raise errors.after_retries(exc, attempts) from None
            if isinstance(exc, aiohttp.ClientError | ValueError):  # e.g. InvalidURL
                raise DownloadFailedError(
                    f"cpbatch could not ask ClassPlus {path}: {type(exc).__name__}."
                ) from None
            raise
        return data_of(answer.status, answer.body, errors)

    async def call_once(
        self, method: str, path: str, *, body: Mapping[str, object] | None = None
    ) -> RawAnswer:
        """Exactly one request, whatever the answer (for OTP endpoints, which must never be
        retried): every status is returned as is. Transport failures raise
        DownloadFailedError; the rate limiter and header profile still apply."""
        session = self.session()
        try:
            return await self._attempt(session, method, path, None, None, body, retry=False)
        except RefusedAddress as exc:
            raise refused_api_host(path, exc) from None
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise DownloadFailedError(
                f"cpbatch could not reach ClassPlus {path}: {type(exc).__name__}."
            ) from None

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def count_retry(self) -> None:
        self._stats.retries += 1
        report_retry()

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        token: AccessToken | None,
        params: Mapping[str, str] | None,
        body: Mapping[str, object] | None,
        *,
        retry: bool = True,
    ) -> RawAnswer:
        assert self._limiter is not None
        data = json.dumps(body).encode() if body is not None else None
        async with self._limiter:
            self._stats.requests += 1
            async with session.request(
                method,
                self._settings.api_root + path,
                params=params,
                data=data,
                headers=self._headers(token, with_body=data is not None),
                allow_redirects=False,  # a redirect must not carry the token elsewhere
            ) as resp:
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                if retry and is_retryable_status(resp.status):
                    raise RetryableStatus(resp.status, retry_after)
                return RawAnswer(resp.status, await _read_capped(resp, path), retry_after)

    def _headers(self, token: AccessToken | None, *, with_body: bool) -> dict[str, str]:
        s = self._settings
        headers = {
            "accept": "application/json, text/plain, */*",
            "accept-language": s.accept_language,
            "api-version": s.api_version,
            "region": s.region,
            "device-id": s.device_id,
            "origin": s.origin,
            "referer": s.referer,
            "user-agent": s.user_agent,
        }
        if with_body:
            headers["content-type"] = "application/json;charset=UTF-8"
        if token is not None:
            headers["x-access-token"] = token.secret
        return headers


def refused_api_host(path: str, refused: RefusedAddress) -> DownloadFailedError:
    return DownloadFailedError(f"cpbatch will not ask ClassPlus {path}: {refused}.")


async def _read_capped(resp: aiohttp.ClientResponse, path: str) -> bytes:
    if (resp.content_length or 0) > MAX_API_BODY:
        raise upstream_shape_error(path, "an answer too large to be a listing")
    parts: list[bytes] = []
    total = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        total += len(chunk)
        if total > MAX_API_BODY:
            raise upstream_shape_error(path, "an answer too large to be a listing")
        parts.append(chunk)
    return b"".join(parts)
