"""The FileStream of the adapter: a file's bytes, resumed with Range after a break.

Guarantees: nothing is fetched unless the file is downloadable and its URL passes the URL
policy; at most `max_file_size` bytes are ever delivered; the bytes delivered are exactly the
file from `start` to its end, or an error is raised; the response is closed on every exit.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager

import aiohttp
import structlog

from cpbatch.adapters.classplus.file_requests import FileRequester, FileResponse
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.retry import reason_of
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.speed_floor import SpeedFloor, TransferTooSlow
from cpbatch.adapters.classplus.stats import GatewayStats
from cpbatch.adapters.classplus.url_policy import check_file_url
from cpbatch.domain.errors import DownloadFailedError, NotDownloadableError, ValidationError
from cpbatch.domain.models import BatchFile
from cpbatch.domain.sizes import format_bytes

log = structlog.get_logger(__name__)

_BREAKS = (
    aiohttp.ClientPayloadError,
    aiohttp.ClientConnectionError,
    asyncio.TimeoutError,
    TransferTooSlow,
)


@asynccontextmanager
async def open_stream(
    api: ApiClient, settings: ClassPlusSettings, stats: GatewayStats, file: BatchFile, start: int
) -> AsyncIterator[HttpFileStream]:
    """Check, connect, yield the stream, and close it whatever happens."""
    if not file.downloadable or file.url is None:
        raise NotDownloadableError(
            f"{file.name!r} cannot be downloaded: {file.why_not_downloadable}."
        )
    if start < 0:
        raise ValidationError("A download cannot start before the first byte.")
    url = check_file_url(file.url, settings, file.id)  # before any connection
    async with api.file_slots:
        requester = FileRequester(api, settings, file.id, url)
        stream = HttpFileStream(requester, settings, stats, file.id)
        try:
            await stream.open(start)
            yield stream
        finally:
            stream.close()


class HttpFileStream:
    """Implements the FileStream port for one opened file."""

    def __init__(
        self,
        requester: FileRequester,
        settings: ClassPlusSettings,
        stats: GatewayStats,
        file_id: int,
    ) -> None:
        self._requester = requester
        self._settings = settings
        self._stats = stats
        self._file_id = file_id
        self._current: FileResponse | None = None
        self._position = 0
        self._size: int | None = None
        self._resumes = 0
        self._closed = False

    @property
    def size(self) -> int | None:
        return self._size

    @property
    def resumes(self) -> int:
        return self._resumes

    @property
    def closed(self) -> bool:
        return self._closed

    async def open(self, start: int) -> None:
        self._current = await self._requester.get(start, resuming=False, validator=None)
        self._position = start
        self._size = self._current.total
        if self._size is not None and self._size > self._settings.max_file_size:
            self.close()
            raise self._too_large(self._size)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The bytes from `start` to the end; resumes up to `max_retries` times (a body
        slower than the speed floor is a break too)."""
        breaks = 0
        s = self._settings
        while self._current is not None and self._current.response is not None:
            current, response = self._current, self._current.response
            body = SpeedFloor(response.content, s.min_speed_bytes_s, s.min_speed_time_s)
            try:
                async with aclosing(body.chunks(s.chunk_size)) as chunks:  # stops its timer
                    async for chunk in chunks:
                        data = self._take(current, chunk)
                        if data:
                            yield data
            except _BREAKS as exc:
                reason = str(exc) if isinstance(exc, TransferTooSlow) else reason_of(exc)
            else:
                if self._size is None or self._position >= self._size:
                    self._finish()
                    return
                reason = "short body"
            breaks += 1
            await self._resume(current, breaks, reason)
        self._finish()

    def close(self) -> None:
        """Idempotent: drops the connection unless the body was fully read."""
        if self._current is not None and self._current.response is not None:
            self._current.response.close()
        self._current = None
        self._closed = True

    def _take(self, current: FileResponse, chunk: bytes) -> bytes:
        if current.skip:
            dropped = min(current.skip, len(chunk))
            current.skip -= dropped
            chunk = chunk[dropped:]
        self._position += len(chunk)
        if self._position > self._settings.max_file_size:
            self.close()
            raise self._too_large(None)
        if self._size is not None and self._position > self._size:
            self.close()
            raise DownloadFailedError(
                f"The file host sent more of file {self._file_id} than it announced."
            )
        return chunk

    async def _resume(self, broken: FileResponse, breaks: int, reason: str) -> None:
        if broken.response is not None:
            broken.response.close()
        self._current = None
        fid = self._file_id
        if not broken.resumable:
            self.close()
            raise DownloadFailedError(
                f"The transfer of file {fid} broke off ({reason}) and its host cannot resume it."
            )
        if breaks > self._settings.max_retries:
            self.close()
            raise DownloadFailedError(
                f"The transfer of file {fid} broke off {breaks} times ({reason}); giving up."
            )
        s = self._settings
        wait = min(s.max_backoff_s, random.uniform(0, s.backoff_factor * 2**breaks))  # noqa: S311
        log.warning(
            "classplus_resume", file_id=fid, received=self._position, attempt=breaks,
            wait_s=round(wait, 3), reason=reason,
        )  # fmt: skip
        await asyncio.sleep(wait)
        resumed = await self._requester.get(
            self._position, resuming=True, validator=broken.validator
        )
        if resumed.total is not None and self._size is not None and resumed.total != self._size:
            self._current = resumed
            self.close()
            raise DownloadFailedError(f"File {fid} changed size while downloading; try again.")
        self._current = resumed
        self._resumes += 1
        self._stats.resumes += 1

    def _finish(self) -> None:
        if self._current is not None and self._current.response is not None:
            self._current.response.release()
        self._current = None
        self._closed = True

    def _too_large(self, size: int | None) -> ValidationError:
        limit = format_bytes(self._settings.max_file_size)
        what = f"is {format_bytes(size)}" if size is not None else "is"
        return ValidationError(
            f"File {self._file_id} {what} larger than MAX_FILE_SIZE ({limit}); not downloaded."
        )
