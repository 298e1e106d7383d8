"""Org lookup and the OTP login: /v2/orgs/{orgCode}, /v2/otp/generate, /v2/users/verify."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cpbatch.entrypoints.simulator.envelope import ApiFailure, json_object, success
from cpbatch.entrypoints.simulator.state import state_of
from cpbatch.entrypoints.simulator.world import Org


async def get_org(request: web.Request) -> web.Response:
    org = state_of(request).world.org_by_code(request.match_info["org_code"])
    if org is None:
        raise ApiFailure(404, "Organisation not found. Please check the org code.")
    return success(
        {
            "orgId": org.id,
            "orgName": org.name,
            "orgCode": org.code,
            "orgLogo": f"https://cdn-wl-assets.classplus.co/production/single/{org.code}/logo.png",
            "isWhiteLabel": False,
            "countryISO": "IN",
            "loginVia": ["mobile", "email"],
        }
    )


def _org_of(request: web.Request, body: dict[str, Any]) -> Org:
    world = state_of(request).world
    try:
        org = world.org_by_id(int(body.get("orgId", "")))
    except (TypeError, ValueError):
        org = None
    code = str(body.get("orgCode", "")).lower()
    if org is None or (code and code != org.code):
        raise ApiFailure(400, "Invalid organisation.")
    return org


def _identifier(body: dict[str, Any]) -> str:
    identifier = str(body.get("mobile") or body.get("email") or "").strip()
    if not identifier:
        raise ApiFailure(400, "Please enter a valid mobile number or email.")
    return identifier


async def generate_otp(request: web.Request) -> web.Response:
    body = await json_object(request)
    org = _org_of(request, body)
    session_id = state_of(request).otp.generate(org.id, _identifier(body))
    return success({"sessionId": session_id, "otpLength": 6}, message="OTP sent successfully")


async def verify_otp(request: web.Request) -> web.Response:
    body = await json_object(request)
    state = state_of(request)
    org = _org_of(request, body)
    identifier = _identifier(body)
    state.otp.verify(str(body.get("sessionId", "")), str(body.get("otp", "")), org.id, identifier)
    user = org.user_by_identifier(identifier)
    if user is None:
        # Upstream answers 201/409 and expects a register call; cpbatch never registers.
        raise ApiFailure(409, "User is not registered with this organisation.")
    user_data = {"id": user.id, "name": user.name, "mobile": user.mobile, "email": user.email}
    return success(
        {"token": state.tokens.mint(org, user), "user": {**user_data, "type": 1}},
        message="Logged in successfully",
    )
