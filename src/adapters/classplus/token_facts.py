"""The TokenReader port: a ClassPlus token's account name and expiry, from its JWT claims
(read, not verified: for showing and warning; ClassPlus still decides)."""

from __future__ import annotations

from cpbatch.adapters.classplus.tokens import decode_claims
from cpbatch.application.ports import TokenFacts
from cpbatch.domain.errors import AuthenticationError
from cpbatch.domain.identifiers import AccessToken


def read_token(token: AccessToken) -> TokenFacts:
    try:
        claims = decode_claims(token)
    except AuthenticationError:
        return TokenFacts(account_name=None, expires_at=None)
    return TokenFacts(account_name=claims.name, expires_at=claims.expires_at)
