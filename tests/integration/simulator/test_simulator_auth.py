"""Tokens and the OTP login flow."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import pytest

from cpbatch.entrypoints.simulator import Simulator

if TYPE_CHECKING:
    from support.simulator_api import Api

ORG_ID = 361842


def claims_of(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload)


def otp_body(mobile: str, **extra: Any) -> dict[str, Any]:
    return {
        "countryExt": "91",
        "mobile": mobile,
        "orgId": ORG_ID,
        "orgCode": "learnwell",
        "viaSms": "1",
        "viaEmail": "0",
        "otpCount": 0,
        "retry": 0,
        **extra,
    }


async def test_tokens_are_jwt_shaped_with_upstream_claims(sim: Simulator) -> None:
    token = sim.token_for("learnwell")
    header, claims = claims_of(token)
    assert token.startswith("eyJ")
    assert header == {"alg": "HS384", "typ": "JWT"}
    assert len(token.split(".")[2]) == 64
    assert claims["orgId"] == ORG_ID
    assert claims["type"] == 1
    assert claims["mobile"] == "919000000001"
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600


@pytest.mark.parametrize("kind", ["missing", "forged", "expired", "malformed"])
async def test_bad_tokens_get_401_failure(api: Api, sim: Simulator, kind: str) -> None:
    token = {
        "missing": "",
        "forged": sim.forged_token("learnwell"),
        "expired": sim.expired_token("learnwell"),
        "malformed": "not-a-token",
    }[kind]
    for path in ("/v2/courses", "/v2/batches/details", "/v2/course/content/get"):
        status, body = await api.get(path, token=token, courseId=41001)
        assert status == 401, path
        assert body["status"] == "failure"


async def test_token_of_one_org_does_not_open_another_orgs_course(api: Api, sim: Simulator) -> None:
    status, _ = await api.get(
        "/v2/course/content/get", token=sim.token_for("brightpath"), courseId=41001
    )
    assert status == 404


async def test_otp_login_gives_a_working_token(api: Api, sim: Simulator) -> None:
    assert sim.otp_for("9000000001") is None
    status, generated = await api.post("/v2/otp/generate", otp_body("9000000001"), token="")
    assert status == 200
    assert generated["status"] == "success"
    otp = sim.otp_for("9000000001")
    assert otp is not None
    assert len(otp) == 6
    verify = {
        "otp": otp,
        "sessionId": generated["data"]["sessionId"],
        "orgId": ORG_ID,
        "countryExt": "91",
        "mobile": "9000000001",
        "fingerprintId": "ab" * 16,
    }
    status, verified = await api.post("/v2/users/verify", verify, token="")
    assert status == 200
    assert verified["status"] == "success"
    assert verified["data"]["user"]["name"] == "Asha Verma"
    status, _ = await api.get("/v2/courses", token=verified["data"]["token"], tabCategoryId=1)
    assert status == 200


async def test_wrong_otp_is_400_failure(api: Api, sim: Simulator) -> None:
    _, generated = await api.post("/v2/otp/generate", otp_body("9000000001"), token="")
    wrong = "000000" if sim.otp_for("9000000001") != "000000" else "111111"
    verify = {
        "otp": wrong,
        "sessionId": generated["data"]["sessionId"],
        "orgId": ORG_ID,
        "mobile": "9000000001",
    }
    status, body = await api.post("/v2/users/verify", verify, token="")
    assert status == 400
    assert body["status"] == "failure"


async def test_unregistered_number_gets_409(api: Api, sim: Simulator) -> None:
    _, generated = await api.post("/v2/otp/generate", otp_body("9876500000"), token="")
    verify = {
        "otp": sim.otp_for("9876500000"),
        "sessionId": generated["data"]["sessionId"],
        "orgId": ORG_ID,
        "mobile": "9876500000",
    }
    status, body = await api.post("/v2/users/verify", verify, token="")
    assert status == 409
    assert body["status"] == "failure"


async def test_email_login_works_too(api: Api, sim: Simulator) -> None:
    body = {**otp_body(""), "email": "asha.verma@example.com", "viaEmail": "1", "viaSms": "0"}
    del body["mobile"]
    _, generated = await api.post("/v2/otp/generate", body, token="")
    verify = {
        "otp": sim.otp_for("asha.verma@example.com"),
        "orgId": ORG_ID,
        "sessionId": generated["data"]["sessionId"],
        "email": "asha.verma@example.com",
    }
    status, verified = await api.post("/v2/users/verify", verify, token="")
    assert status == 200
    assert verified["data"]["token"]


async def test_otp_generation_is_throttled(api: Api) -> None:
    for _ in range(5):
        status, _ = await api.post("/v2/otp/generate", otp_body("9000000002"), token="")
        assert status == 200
    status, body = await api.post("/v2/otp/generate", otp_body("9000000002"), token="")
    assert status == 403
    assert body["status"] == "failure"
    assert "limit exceeded" in body["message"]


async def test_otp_for_unknown_org_fails(api: Api) -> None:
    status, body = await api.post("/v2/otp/generate", otp_body("9000000001", orgId=1), token="")
    assert status == 400
    assert body["status"] == "failure"


async def test_otps_differ_per_mobile(api: Api, sim: Simulator) -> None:
    for mobile in ("9000000001", "9000000004"):
        await api.post("/v2/otp/generate", otp_body(mobile), token="")
    assert sim.otp_for("9000000001") != sim.otp_for("9000000004")
