"""GetFileInfo: one file's details, if the caller's own listing shows it. Moves no bytes."""

from __future__ import annotations

from cpbatch.application.ports.services import BatchListings
from cpbatch.domain.identifiers import AccessToken, OrgCode, parse_id
from cpbatch.domain.models import BatchFile
from cpbatch.domain.selectors import BatchSelector


class GetFileInfo:
    def __init__(self, listings: BatchListings) -> None:
        self._listings = listings

    async def execute(
        self,
        token: AccessToken,
        org_code: str | OrgCode,
        file_id: str | int,
        *,
        batch: str | int | BatchSelector | None = None,
    ) -> BatchFile:
        code = OrgCode.coerce(org_code)
        wanted = parse_id(file_id, "file id")
        selector = BatchSelector.coerce(batch)
        file, _ = await self._listings.find_file(token, code, wanted, selector)
        return file
