"""Unverified JWT claims: early, clear refusals for expired and other-org tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from cpbatch.adapters.classplus.tokens import check_token_for_org, decode_claims
from cpbatch.domain.errors import AuthenticationError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Org

ORG = Org(OrgCode("learnwell"), 42, "Learn Well")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def jwt(claims: object) -> AccessToken:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return AccessToken.parse(f"{part({'alg': 'HS384', 'typ': 'JWT'})}.{part(claims)}.sig")


def test_claims_are_read_without_verification():
    claims = decode_claims(jwt({"orgId": 42, "exp": 1_800_000_000, "name": "Asha"}))
    assert claims.org_id == 42
    assert claims.name == "Asha"
    assert claims.expires_at == datetime.fromtimestamp(1_800_000_000, UTC)


def test_missing_or_mistyped_claims_are_none():
    claims = decode_claims(jwt({"orgId": "x", "exp": "soon", "name": 5}))
    assert (claims.org_id, claims.expires_at, claims.name) == (None, None, None)


def test_a_token_of_this_org_that_is_not_expired_passes():
    check_token_for_org(jwt({"orgId": 42, "exp": NOW.timestamp() + 60}), ORG, NOW)
    check_token_for_org(jwt({}), ORG, NOW)  # nothing to check: ClassPlus decides


def test_expired_token_is_refused():
    with pytest.raises(AuthenticationError, match="expired"):
        check_token_for_org(jwt({"orgId": 42, "exp": NOW.timestamp() - 1}), ORG, NOW)


def test_token_of_another_org_is_refused():
    with pytest.raises(AuthenticationError, match="another organization"):
        check_token_for_org(jwt({"orgId": 7, "exp": NOW.timestamp() + 60}), ORG, NOW)


@pytest.mark.parametrize("payload", ["!!!", "eyJub3Rqc29u", base64.b64encode(b"[1]").decode()])
def test_unreadable_payload_is_an_authentication_error(payload):
    # AccessToken.parse refuses such a token as bad input; built directly, it still fails here.
    with pytest.raises(AuthenticationError, match="cannot be read") as err:
        decode_claims(AccessToken(f"eyJhbGciOiJIUzM4NCJ9.{payload}.sig"))
    assert payload not in str(err.value)
