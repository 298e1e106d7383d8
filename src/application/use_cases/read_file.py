"""ReadFile: the content of a file DownloadBatch has just served, in memory (small files)."""

from __future__ import annotations

from cpbatch.application.ports.services import StoredBlobs
from cpbatch.application.use_cases.download_batch import DownloadResult


class ReadFile:
    def __init__(self, blobs: StoredBlobs) -> None:
        self._blobs = blobs

    async def execute(self, result: DownloadResult) -> bytes:
        return await self._blobs.read_bytes(result.stored.sha256, result.stored.size)
