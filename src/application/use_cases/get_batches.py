"""GetBatches: an org and the batches the caller's own account can open."""

from __future__ import annotations

from cpbatch.application.ports import CoursePlatform
from cpbatch.application.ports.services import BatchListings
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Org, OrgListing


class LookupOrg:
    """The org behind a code; needs no token."""

    def __init__(self, platform: CoursePlatform) -> None:
        self._platform = platform

    async def execute(self, org_code: str | OrgCode) -> Org:
        code = OrgCode.coerce(org_code)
        return await self._platform.lookup_org(code)


class GetBatches:
    def __init__(self, listings: BatchListings) -> None:
        self._listings = listings

    async def execute(
        self, token: AccessToken, org_code: str | OrgCode, *, force_refresh: bool = False
    ) -> OrgListing:
        code = OrgCode.coerce(org_code)
        return await self._listings.org_listing(token, code, force_refresh=force_refresh)
