"""The OTP login (API doc 4.2-4.3): ask for a code, exchange it for the user's own token.

Each call sends exactly one request: ClassPlus locks a number for hours after a few OTP
requests, so nothing here is ever retried, whatever the answer. Neither the OTP, the session
id nor the token is logged or put in an error message; the number is logged as its last two
digits only. An unregistered number is reported, never registered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import structlog

from cpbatch.adapters.classplus.errors import safe_message, upstream_shape_error
from cpbatch.adapters.classplus.http import ApiClient, RawAnswer
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.tokens import check_token_for_org
from cpbatch.domain.errors import (
    AuthenticationError,
    CpbatchError,
    DownloadFailedError,
    RateLimitExceededError,
    ValidationError,
)
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Org

log = structlog.get_logger(__name__)

GENERATE_PATH = "/v2/otp/generate"
VERIFY_PATH = "/v2/users/verify"
COUNTRY_EXT = "91"
_MOBILE = re.compile(r"(?:\+?91)?(\d{10})")
_OTP = re.compile(r"\d{4,8}")
_SESSION_ID = re.compile(r"[\x21-\x7e]{1,256}")


def normalize_mobile(raw: str) -> str:
    """The 10 digits of an Indian mobile number (spaces, dashes and a +91/91 prefix allowed).
    Raises ValidationError, without echoing the input."""
    text = re.sub(r"[\s-]", "", raw) if isinstance(raw, str) else ""
    match = _MOBILE.fullmatch(text) if text.isascii() else None
    if match is None:
        raise ValidationError(
            "That is not a mobile number: send the 10 digits of the number registered with "
            "ClassPlus (a +91 prefix is fine)."
        )
    return match.group(1)


async def request_otp(api: ApiClient, org: Org, mobile: str) -> str:
    """Ask ClassPlus to text an OTP to `mobile`; the session id for `verify_otp`."""
    number = normalize_mobile(mobile)
    body: dict[str, object] = {
        "countryExt": COUNTRY_EXT,
        "mobile": number,
        "orgId": org.id,
        "orgCode": org.code.value,
        "viaSms": "1",
        "viaEmail": "0",
        "otpCount": 0,
        "retry": 0,
    }
    answer = await api.call_once("POST", GENERATE_PATH, body=body)
    payload = _refuse_unless_success(answer, GENERATE_PATH, _otp_refused)
    data = payload.get("data")
    session_id = data.get("sessionId") if isinstance(data, dict) else None
    if isinstance(session_id, int) and not isinstance(session_id, bool):
        session_id = str(session_id)
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise upstream_shape_error(GENERATE_PATH, "an answer without an OTP session id")
    log.info("classplus_otp_requested", org_id=org.id, number_tail=number[-2:])
    return session_id


async def verify_otp(
    api: ApiClient, settings: ClassPlusSettings, org: Org, mobile: str, session_id: str, otp: str
) -> AccessToken:
    """Exchange the OTP for the token of the account registered with `mobile` in `org`."""
    number = normalize_mobile(mobile)
    code = otp.strip() if isinstance(otp, str) else ""
    if not _OTP.fullmatch(code) or not code.isascii():
        raise ValidationError("An OTP is the 4 to 8 digits ClassPlus sent you by SMS.")
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise ValidationError("That OTP session is not valid: ask for a new OTP.")
    body: dict[str, object] = {
        "otp": code,
        "countryExt": COUNTRY_EXT,
        "sessionId": session_id,
        "orgId": org.id,
        "fingerprintId": settings.fingerprint,
        "mobile": number,
    }
    answer = await api.call_once("POST", VERIFY_PATH, body=body)
    if answer.status == 409:
        raise _no_account(org)
    payload = _refuse_unless_success(answer, VERIFY_PATH, _wrong_otp)
    raw_token = _token_in(payload)
    if raw_token is None:
        if answer.status == 201:  # upstream's cue to register: we never do
            raise _no_account(org)
        raise upstream_shape_error(VERIFY_PATH, "a login answer without a token")
    try:
        token = AccessToken.parse(raw_token)
    except ValidationError:
        raise upstream_shape_error(VERIFY_PATH, "a token that is not a ClassPlus token") from None
    check_token_for_org(token, org)
    log.info("classplus_otp_verified", org_id=org.id, number_tail=number[-2:])
    return token


def _refuse_unless_success(
    answer: RawAnswer, path: str, refused: Callable[[int, object], CpbatchError]
) -> dict[str, object]:
    """The JSON envelope of a success; otherwise raise the domain error it amounts to."""
    payload = _json_object(answer.body)
    text = answer.body.decode("utf-8", errors="replace").lower()
    if answer.status == 429 or (answer.status == 403 and "limit" in text):
        log.warning("classplus_otp_throttled", path=path, status=answer.status)
        raise RateLimitExceededError(
            "ClassPlus has paused OTPs for this number: try again later (it can take a few "
            "hours). cpbatch never asks again on its own.",
            retry_after=answer.retry_after,
        )
    if answer.status >= 500:
        raise DownloadFailedError(
            f"ClassPlus could not handle {path} (HTTP {answer.status}): try again in a while."
        )
    if 300 <= answer.status < 400:
        raise upstream_shape_error(path, f"a redirect (HTTP {answer.status}), not followed")
    success = 200 <= answer.status < 300
    if success and payload is None:
        raise upstream_shape_error(path, "something that is not a JSON object")
    if not success or payload is None or payload.get("status") not in (None, "success"):
        message = payload.get("message") if payload is not None else None
        log.info("classplus_otp_refused", path=path, status=answer.status)
        raise refused(answer.status, message)
    return payload


def _otp_refused(status: int, message: object) -> CpbatchError:
    quoted = safe_message(message)
    detail = f" (ClassPlus said: {quoted})" if quoted else ""
    return ValidationError(
        f"ClassPlus would not send an OTP (HTTP {status}){detail}: check the organization "
        "code and the number."
    )


def _wrong_otp(status: int, message: object) -> CpbatchError:
    # Upstream's text is not quoted: it might echo what was typed.
    return AuthenticationError(
        "That OTP is not right, or it has expired: check the code and try again, or ask for "
        "a new one."
    )


def _no_account(org: Org) -> AuthenticationError:
    return AuthenticationError(
        f"This number has no account in {org.name}: sign up in the ClassPlus app of "
        f"{org.name} first (cpbatch never creates accounts)."
    )


def _token_in(payload: dict[str, object]) -> object:
    """data.token, else data.user.token, else a top-level token (API doc 4.3)."""
    data = payload.get("data")
    user = data.get("user") if isinstance(data, dict) else None
    for holder in (data, user, payload):
        if isinstance(holder, dict) and holder.get("token"):
            return holder["token"]
    return None


def _json_object(raw: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
