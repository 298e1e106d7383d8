"""Reading a ClassPlus JWT's claims WITHOUT verifying it (we do not have the key).

The claims are only used to fail early and clearly: an expired token, or a token of another
org, would otherwise surface as an opaque 401 or an empty listing. ClassPlus still decides.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cpbatch.domain.errors import AuthenticationError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Org

_UNREADABLE = "That ClassPlus token cannot be read: log in again to get a fresh one."


@dataclass(frozen=True, slots=True)
class TokenClaims:
    org_id: int | None
    expires_at: datetime | None
    name: str | None


def decode_claims(token: AccessToken) -> TokenClaims:
    """The claims cpbatch uses; missing or mistyped claims become None.

    Raises AuthenticationError when the payload is not base64url JSON."""
    parts = token.secret.split(".")
    if len(parts) != 3:
        raise AuthenticationError(_UNREADABLE)
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        raise AuthenticationError(_UNREADABLE) from None
    if not isinstance(claims, dict):
        raise AuthenticationError(_UNREADABLE)
    return TokenClaims(
        org_id=_int(claims.get("orgId")),
        expires_at=_timestamp(claims.get("exp")),
        name=claims["name"] if isinstance(claims.get("name"), str) else None,
    )


def check_token_for_org(token: AccessToken, org: Org, now: datetime | None = None) -> TokenClaims:
    """Raise AuthenticationError if the token is expired or was issued for another org."""
    claims = decode_claims(token)
    now = now or datetime.now(UTC)
    if claims.expires_at is not None and claims.expires_at <= now:
        raise AuthenticationError(
            f"Your ClassPlus token expired on {claims.expires_at:%Y-%m-%d %H:%M} UTC: log in again."
        )
    if claims.org_id is not None and claims.org_id != org.id:
        raise AuthenticationError(
            f"This token belongs to another organization (org id {claims.org_id}), not "
            f"{org.name!r} (org id {org.id}): log in to '{org.code}' again."
        )
    return claims


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
