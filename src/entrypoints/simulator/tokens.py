"""JWT-shaped access tokens (HS384), signed with a secret generated per simulator instance.

Tokens are always minted at runtime; no literal token exists anywhere in the code base.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cpbatch.entrypoints.simulator.world import Org, User

TOKEN_LIFETIME_S = 7 * 24 * 3600
_HEADER = {"alg": "HS384", "typ": "JWT"}


class TokenRejected(Exception):
    """The token is missing, malformed, badly signed or expired."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    org_id: int


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _claims_for(org: Org, user: User, issued_at: int) -> dict[str, Any]:
    return {
        "id": user.id,
        "orgId": org.id,
        "type": 1,
        "mobile": f"91{user.mobile}",
        "name": user.name,
        "email": user.email,
        "isInternational": 0,
        "defaultLanguage": "en",
        "countryCode": "IN",
        "countryISO": "91",
        "timezone": "GMT+5:30",
        "isDiy": False,
        "fingerprintId": hashlib.md5(f"{org.id}:{user.id}".encode()).hexdigest(),  # noqa: S324
        "iat": issued_at,
        "exp": issued_at + TOKEN_LIFETIME_S,
    }


class TokenAuthority:
    """Mints and verifies the simulator's tokens."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(48)

    def _sign(self, signing_input: str, secret: bytes) -> str:
        return _b64url(hmac.new(secret, signing_input.encode("ascii"), hashlib.sha384).digest())

    def _encode(self, claims: dict[str, Any], secret: bytes) -> str:
        header = _b64url(json.dumps(_HEADER, separators=(",", ":")).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}"
        return f"{signing_input}.{self._sign(signing_input, secret)}"

    def mint(self, org: Org, user: User, issued_at: int | None = None) -> str:
        now = int(time.time()) if issued_at is None else issued_at
        return self._encode(_claims_for(org, user, now), self._secret)

    def mint_expired(self, org: Org, user: User) -> str:
        return self.mint(org, user, issued_at=int(time.time()) - TOKEN_LIFETIME_S - 3600)

    def forge(self, org: Org, user: User) -> str:
        """Right shape and claims, signed with a key the simulator does not know."""
        claims = _claims_for(org, user, int(time.time()))
        return self._encode(claims, secrets.token_bytes(48))

    def verify(self, token: str) -> TokenClaims:
        parts = token.split(".")
        if len(parts) != 3 or not all(parts):
            raise TokenRejected("malformed token")
        header_part, payload_part, signature = parts
        expected = self._sign(f"{header_part}.{payload_part}", self._secret)
        if not hmac.compare_digest(expected, signature):
            raise TokenRejected("bad signature")
        try:
            header = json.loads(_b64url_decode(header_part))
            claims = json.loads(_b64url_decode(payload_part))
            user_id, org_id, expires = int(claims["id"]), int(claims["orgId"]), claims["exp"]
        except (ValueError, KeyError, TypeError) as error:
            raise TokenRejected("malformed token") from error
        if header.get("alg") != "HS384":
            raise TokenRejected("unexpected algorithm")
        if not isinstance(expires, int) or expires <= time.time():
            raise TokenRejected("token expired")
        return TokenClaims(user_id=user_id, org_id=org_id)
