"""CheckAccess: proof, from ClassPlus itself, that a stored token still opens an org, before
a job serves anything from cached listings or remembered chat ids."""

from __future__ import annotations

from cpbatch.application.ports import CoursePlatform
from cpbatch.application.ports.services import BatchListings
from cpbatch.domain.identifiers import AccessToken, OrgCode


class CheckAccess:
    def __init__(self, listings: BatchListings, platform: CoursePlatform) -> None:
        self._listings = listings
        self._platform = platform

    async def execute(self, token: AccessToken, org_code: str | OrgCode) -> None:
        listing = await self._listings.org_listing(token, OrgCode.coerce(org_code))
        await self._platform.check_token(listing.org, token)
