"""Logging in to ClassPlus: an OTP to the user's own number, or a pasted token; either way the
token is proved with one cheap call before anyone keeps it."""

from __future__ import annotations

from cpbatch.application.ports import CoursePlatform, OtpLogin
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Org


class RequestOtp:
    def __init__(self, login: OtpLogin) -> None:
        self._login = login

    async def execute(self, org: Org, mobile: str) -> str:
        """ClassPlus texts a code to `mobile`; returns the OTP session id to verify it with."""
        return await self._login.request_otp(org, mobile)


class VerifyOtp:
    def __init__(self, login: OtpLogin, platform: CoursePlatform) -> None:
        self._login = login
        self._platform = platform

    async def execute(self, org: Org, mobile: str, session_id: str, otp: str) -> AccessToken:
        """The account's token for this code; AuthenticationError for a wrong or expired one."""
        token = await self._login.verify_otp(org, mobile, session_id, otp)
        await self._platform.check_token(org, token)
        return token


class CheckToken:
    def __init__(self, platform: CoursePlatform) -> None:
        self._platform = platform

    async def execute(self, org: Org, token: AccessToken) -> None:
        """Returns if ClassPlus accepts the token for `org`; AuthenticationError if not."""
        await self._platform.check_token(org, token)
