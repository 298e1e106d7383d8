"""`ClassPlusHttpGateway`: the CoursePlatform and OtpLogin ports over the ClassPlus HTTP API."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING

import structlog
from aiohttp.abc import AbstractResolver

from cpbatch.adapters.classplus.downloads import HttpFileStream, open_stream
from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.listing import list_courses, list_tutor_batches, probe_token
from cpbatch.adapters.classplus.mapping import org_from
from cpbatch.adapters.classplus.otp import request_otp, verify_otp
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.stats import GatewayStats
from cpbatch.adapters.classplus.tokens import check_token_for_org
from cpbatch.adapters.classplus.walker import ContentWalker
from cpbatch.application.ports.classplus import CoursePlatform, OtpLogin
from cpbatch.domain.errors import AuthenticationError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org

log = structlog.get_logger(__name__)


class ClassPlusHttpGateway:
    """One instance per process (or per test): one session, one rate limiter, one retry policy.

    Constructing it does no I/O; the session is created on first use inside the running loop
    and the instance stays bound to that loop. `close()` (or `async with`) releases it.
    `stats` counts requests, retries and resumes over the gateway's life (each run counts its
    own retries through `application.retry_count`)."""

    def __init__(
        self, settings: ClassPlusSettings | None = None, *, resolver: AbstractResolver | None = None
    ) -> None:
        self.settings = settings or ClassPlusSettings()
        self.stats = GatewayStats()
        self._api = ApiClient(self.settings, self.stats, resolver)  # resolver: tests only

    async def __aenter__(self) -> ClassPlusHttpGateway:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        await self.close()

    async def lookup_org(self, code: OrgCode) -> Org:
        path = f"/v2/orgs/{code.value}"
        errors = CallErrors(
            path=path,
            not_found=f"There is no ClassPlus organization with the code '{code}'.",
            org_lookup=True,
        )
        return org_from(code, await self._api.call("GET", path, errors), path)

    async def list_batches(self, org: Org, token: AccessToken) -> list[Batch]:
        check_token_for_org(token, org)  # fail early, without calling upstream
        courses = await list_courses(self._api, self.settings, org, token)
        try:
            batches = await list_tutor_batches(self._api, self.settings, org, token)
        except AuthenticationError:
            # Students have no tutor-side batches; the courses call just proved the token.
            log.debug("classplus_batches_refused", org_id=org.id)
            batches = []
        return courses + batches

    async def list_files(self, batch: Batch, token: AccessToken) -> list[BatchFile]:
        check_token_for_org(token, batch.org)
        return await ContentWalker(self._api, self.settings, batch, token).files()

    def open_file(
        self, file: BatchFile, *, start: int = 0
    ) -> AbstractAsyncContextManager[HttpFileStream]:
        return open_stream(self._api, self.settings, self.stats, file, start)

    async def request_otp(self, org: Org, mobile: str) -> str:
        return await request_otp(self._api, org, mobile)

    async def verify_otp(self, org: Org, mobile: str, session_id: str, otp: str) -> AccessToken:
        return await verify_otp(self._api, self.settings, org, mobile, session_id, otp)

    async def check_token(self, org: Org, token: AccessToken) -> None:
        await probe_token(self._api, org, token)

    async def close(self) -> None:
        await self._api.close()


if TYPE_CHECKING:  # mypy proves the class implements the ports

    def _implements_the_ports(gateway: ClassPlusHttpGateway) -> tuple[CoursePlatform, OtpLogin]:
        return gateway, gateway
