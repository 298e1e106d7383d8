"""/login (org code -> mobile number -> one-time code), /token (paste a token) and /logout.

Every token is proved with a cheap ClassPlus call before it is stored, encrypted. Messages that
carry a token or a one-time code are deleted as soon as they are read."""

from __future__ import annotations

import re

from cpbatch.application.bot import texts
from cpbatch.application.bot.credentials import TokenVault
from cpbatch.application.bot.dialog import Dialog
from cpbatch.application.bot.events import IncomingMessage
from cpbatch.application.bot.state import (
    AwaitingMobile,
    AwaitingOrgCode,
    AwaitingOtp,
    AwaitingToken,
    Step,
)
from cpbatch.application.use_cases import CheckToken, LookupOrg, RequestOtp, VerifyOtp
from cpbatch.domain.errors import (
    AuthenticationError,
    CpbatchError,
    OrgCodeNotFoundError,
    ValidationError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Org

_MOBILE = re.compile(r"^\+?\d{10,15}$")
_MOBILE_NOISE = re.compile(r"[\s().-]")
_OTP = re.compile(r"^\d{4,8}$")


def normalize_mobile(text: str) -> str | None:
    """'+91 98765-43210' -> '+919876543210'; None when it cannot be a mobile number."""
    mobile = _MOBILE_NOISE.sub("", text)
    return mobile if _MOBILE.fullmatch(mobile) else None


class LoginFlow:
    def __init__(
        self,
        dialog: Dialog,
        vault: TokenVault,
        lookup_org: LookupOrg,
        request_otp: RequestOtp,
        verify_otp: VerifyOtp,
        check_token: CheckToken,
    ) -> None:
        self._dialog = dialog
        self._vault = vault
        self._lookup_org = lookup_org
        self._request_otp = request_otp
        self._verify_otp = verify_otp
        self._check_token_works = check_token

    async def login(self, event: IncomingMessage, args: list[str]) -> None:
        step = AwaitingOrgCode("login")
        if not args:
            return await self._ask_org(event, step)
        if (org := await self._org(event, step, args[0])) is not None:
            await self._ask_mobile(event, org)

    async def token(self, event: IncomingMessage, args: list[str]) -> None:
        if len(args) >= 2:  # "/token ORG TOKEN": the command itself carries the token
            await self._dialog.delete_secret(event)
        step = AwaitingOrgCode("token")
        if not args:
            return await self._ask_org(event, step)
        if (org := await self._org(event, step, args[0])) is None:
            return
        if len(args) >= 2:
            return await self._check_token(event, AwaitingToken(org), args[1])
        self._dialog.expect(event.user_id, AwaitingToken(org))
        await self._dialog.say(event.chat_id, texts.ask_token(org))

    async def logout(self, event: IncomingMessage, args: list[str]) -> None:
        code = None
        if args:
            try:
                code = OrgCode.parse(args[0]).value
            except ValidationError as error:
                await self._dialog.say(event.chat_id, str(error))
                return
        self._dialog.forget(event.user_id)
        count = await self._vault.forget(event.user_id, code)
        await self._dialog.say(event.chat_id, texts.logged_out(count, code))

    async def answer(self, event: IncomingMessage, step: Step) -> None:
        """The user's reply to a pending login question."""
        if isinstance(step, AwaitingOrgCode) and step.purpose == "login":
            if (org := await self._org(event, step, event.text)) is not None:
                await self._ask_mobile(event, org)
        elif isinstance(step, AwaitingOrgCode):
            if (org := await self._org(event, step, event.text)) is not None:
                self._dialog.expect(event.user_id, AwaitingToken(org))
                await self._dialog.say(event.chat_id, texts.ask_token(org))
        elif isinstance(step, AwaitingMobile):
            await self._mobile(event, step)
        elif isinstance(step, AwaitingOtp):
            await self._dialog.delete_secret(event)
            await self._otp(event, step)
        else:
            await self._dialog.delete_secret(event)
            await self._check_token(event, step, event.text)

    async def _ask_org(self, event: IncomingMessage, step: AwaitingOrgCode) -> None:
        self._dialog.expect(event.user_id, step)
        known = await self._vault.orgs(event.user_id)
        await self._dialog.say(event.chat_id, texts.ask_org_code(known))

    async def _ask_mobile(self, event: IncomingMessage, org: Org) -> None:
        self._dialog.expect(event.user_id, AwaitingMobile(org))
        await self._dialog.say(event.chat_id, texts.ask_mobile(org))

    async def _org(self, event: IncomingMessage, step: Step, text: str) -> Org | None:
        restart = (
            "/token" if isinstance(step, AwaitingOrgCode) and step.purpose == "token" else "/login"
        )
        try:
            return await self._lookup_org.execute(text)
        except (ValidationError, OrgCodeNotFoundError) as error:
            await self._dialog.retry_or_stop(event, step, str(error), restart)
        except CpbatchError as error:  # ClassPlus unreachable: the same answer may work later
            await self._dialog.retry_or_stop(event, step, str(error), restart, costs_attempt=False)
        return None

    async def _mobile(self, event: IncomingMessage, step: AwaitingMobile) -> None:
        mobile = normalize_mobile(event.text)
        if mobile is None:
            return await self._dialog.retry_or_stop(event, step, texts.BAD_MOBILE, "/login")
        try:
            session_id = await self._request_otp.execute(step.org, mobile)
        except ValidationError as error:
            return await self._dialog.retry_or_stop(event, step, str(error), "/login")
        except CpbatchError as error:  # throttled or unreachable: never retried automatically
            return await self._stop(event, str(error), "/login")
        self._dialog.expect(event.user_id, AwaitingOtp(step.org, mobile, session_id))
        await self._dialog.say(event.chat_id, texts.ask_otp(step.org))

    async def _otp(self, event: IncomingMessage, step: AwaitingOtp) -> None:
        code = event.text.strip()
        if not _OTP.fullmatch(code):
            return await self._dialog.retry_or_stop(event, step, texts.BAD_OTP, "/login")
        try:
            token = await self._verify_otp.execute(step.org, step.mobile, step.session_id, code)
        except (AuthenticationError, ValidationError) as error:
            return await self._dialog.retry_or_stop(event, step, str(error), "/login")
        except CpbatchError as error:
            return await self._stop(event, str(error), "/login")
        await self._store(event, step.org, token)

    async def _check_token(self, event: IncomingMessage, step: AwaitingToken, text: str) -> None:
        try:
            token = AccessToken.parse(text)
            await self._check_token_works.execute(step.org, token)
        except (AuthenticationError, ValidationError) as error:
            return await self._dialog.retry_or_stop(event, step, str(error), "/token")
        except CpbatchError as error:
            return await self._stop(event, str(error), "/token")
        await self._store(event, step.org, token)

    async def _store(self, event: IncomingMessage, org: Org, token: AccessToken) -> None:
        self._dialog.forget(event.user_id)
        await self._vault.save(event.user_id, org.code.value, token)
        await self._dialog.say(event.chat_id, texts.logged_in(org))

    async def _stop(self, event: IncomingMessage, reason: str, restart: str) -> None:
        self._dialog.forget(event.user_id)
        await self._dialog.say(event.chat_id, texts.try_again(reason, False, restart))
