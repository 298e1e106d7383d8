"""Cross-cutting request handling: counting, failure envelopes and API faults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from cpbatch.entrypoints.simulator.envelope import ApiFailure, failure
from cpbatch.entrypoints.simulator.fault_responses import answer_fault
from cpbatch.entrypoints.simulator.state import state_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_ROUTES = frozenset(
    {
        "org",
        "otp_generate",
        "users_verify",
        "courses",
        "batches",
        "course_content",
        "folder",
        "folder_sub",
    }
)


def route_name(request: web.Request) -> str:
    return request.match_info.route.name or "unmatched"


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    stats = state_of(request).stats
    stats.requests[route_name(request)] += 1
    try:
        response = await handler(request)
    except web.HTTPException as error:
        stats.statuses[error.status] += 1
        raise
    stats.statuses[response.status] += 1
    return response


@web.middleware
async def failure_envelopes(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiFailure as error:
        return failure(error.status, error.message)


@web.middleware
async def api_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """File routes plan their own faults once they know which file is asked for."""
    if route_name(request) in API_ROUTES:
        fault = await answer_fault(state_of(request).faults.plan("api"))
        if fault is not None:
            return fault
    return await handler(request)
