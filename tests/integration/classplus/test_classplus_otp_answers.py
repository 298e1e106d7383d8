"""OTP answers the simulator never gives (201 without a token, tokens in other places, a 403
throttle inside a 200-less body, no server at all), from a tiny scripted server."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import (
    AuthenticationError,
    DownloadFailedError,
    RateLimitExceededError,
    UpstreamError,
    ValidationError,
)
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Org
from support.classplus_kit import settings_for

ORG = Org(OrgCode("oddorg"), 77, "Odd Org")
MOBILE = "9876543210"


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def jwt(org_id: int = 77) -> str:
    return f"{_b64({'alg': 'HS384'})}.{_b64({'orgId': org_id, 'name': 'Odd'})}.signature"


def envelope(data: object, status: str = "success") -> dict[str, object]:
    return {"status": status, "message": "", "data": data}


class ScriptedUpstream:
    """Answers the next OTP call with `reply`; records each request's headers and body."""

    def __init__(self) -> None:
        self.reply: web.Response = web.json_response(envelope({"sessionId": "s-1"}))
        self.seen: list[tuple[str, dict[str, str], dict[str, object]]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, dict(request.headers), await request.json()))
        return self.reply


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[ScriptedUpstream, str]]:
    script = ScriptedUpstream()
    app = web.Application()
    app.router.add_post("/v2/otp/generate", script.handle)
    app.router.add_post("/v2/users/verify", script.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield script, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


@pytest.fixture
async def scripted(upstream) -> AsyncIterator[tuple[ScriptedUpstream, ClassPlusHttpGateway]]:
    script, base_url = upstream
    async with ClassPlusHttpGateway(settings_for(base_url, fingerprint_id="ab" * 16)) as gw:
        yield script, gw


async def test_generate_sends_the_documented_body_and_web_headers(scripted):
    script, gw = scripted
    assert await gw.request_otp(ORG, f"+91{MOBILE}") == "s-1"
    path, headers, body = script.seen[0]
    assert path == "/v2/otp/generate"
    assert body == {"countryExt": "91", "mobile": MOBILE, "orgId": 77, "orgCode": "oddorg",
                    "viaSms": "1", "viaEmail": "0", "otpCount": 0, "retry": 0}  # fmt: skip
    assert headers["device-id"] == gw.settings.device_id
    assert headers["api-version"] == "52"
    assert "x-access-token" not in headers


@pytest.mark.parametrize(
    "data",
    [{"token": jwt()}, {"user": {"token": jwt()}}, None],
    ids=["data.token", "data.user.token", "top-level token"],
)
async def test_verify_finds_the_token_where_clients_have_seen_it(scripted, data):
    script, gw = scripted
    payload = envelope(data) if data else {"status": "success", "token": jwt()}
    script.reply = web.json_response(payload)
    tok = await gw.verify_otp(ORG, MOBILE, "s-1", " 123456 ")
    assert tok.secret == jwt()
    _, _, body = script.seen[0]
    assert body == {"otp": "123456", "countryExt": "91", "sessionId": "s-1", "orgId": 77,
                    "fingerprintId": "ab" * 16, "mobile": MOBILE}  # fmt: skip


@pytest.mark.parametrize(
    "reply",
    [
        web.json_response(envelope({"isRegistered": False}), status=201),
        web.json_response({"status": "failure", "message": "Register first"}, status=409),
    ],
    ids=["201 without token", "409"],
)
async def test_an_unregistered_number_is_reported_never_registered(scripted, reply):
    script, gw = scripted
    script.reply = reply
    with pytest.raises(AuthenticationError, match="no account in Odd Org"):
        await gw.verify_otp(ORG, MOBILE, "s-1", "123456")
    assert [path for path, _, _ in script.seen] == ["/v2/users/verify"]


@pytest.mark.parametrize("status", [200, 400, 401])
async def test_a_failure_envelope_on_verify_is_a_wrong_otp(scripted, status):
    script, gw = scripted
    script.reply = web.json_response(envelope(None, "failure"), status=status)
    with pytest.raises(AuthenticationError, match="OTP is not right"):
        await gw.verify_otp(ORG, MOBILE, "s-1", "123456")


async def test_a_token_of_another_org_is_refused(scripted):
    script, gw = scripted
    script.reply = web.json_response(envelope({"token": jwt(org_id=5)}))
    with pytest.raises(AuthenticationError, match="another organization"):
        await gw.verify_otp(ORG, MOBILE, "s-1", "123456")


@pytest.mark.parametrize(
    "reply",
    [
        web.Response(status=403, text="OTP Limit Exceeded, try after 6 hours"),
        web.json_response({"status": "failure"}, status=429, headers={"Retry-After": "30"}),
    ],
    ids=["403 limit", "429"],
)
async def test_throttling_is_reported_after_one_request(scripted, reply):
    script, gw = scripted
    script.reply = reply
    with pytest.raises(RateLimitExceededError, match="paused OTPs"):
        await gw.request_otp(ORG, MOBILE)
    assert len(script.seen) == 1


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (web.json_response({"status": "failure", "message": "Bad org"}, status=403),
         ValidationError),
        (web.json_response(envelope(None, "failure"), status=400), ValidationError),
        (web.Response(text="<html>hi</html>", content_type="text/html"), UpstreamError),
        (web.json_response(envelope({"otpLength": 6})), UpstreamError),
    ],
    ids=["403 without limit", "400 failure", "html", "no session id"],
)  # fmt: skip
async def test_other_generate_answers(scripted, reply, error):
    script, gw = scripted
    script.reply = reply
    with pytest.raises(error):
        await gw.request_otp(ORG, MOBILE)
    assert len(script.seen) == 1


async def test_no_server_is_a_download_failure_not_a_retry() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with ClassPlusHttpGateway(settings_for(f"http://127.0.0.1:{port}")) as gw:
        with pytest.raises(DownloadFailedError, match="could not reach"):
            await gw.request_otp(ORG, MOBILE)
        assert gw.stats.requests == 1
        assert gw.stats.retries == 0


async def test_a_redirect_is_not_followed_nor_taken_for_a_wrong_otp(scripted):
    script, gw = scripted
    script.reply = web.Response(status=302, headers={"Location": "https://elsewhere.example/"})
    with pytest.raises(UpstreamError, match="redirect"):
        await gw.verify_otp(ORG, MOBILE, "s-1", "123456")
    assert len(script.seen) == 1
