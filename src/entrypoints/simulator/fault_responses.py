"""Turning a planned fault into what the client sees before any body is sent."""

from __future__ import annotations

import asyncio

from aiohttp import web

from cpbatch.entrypoints.simulator.envelope import failure
from cpbatch.entrypoints.simulator.faults import FaultPlan, retry_after_header

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
_HTML_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


async def answer_fault(plan: FaultPlan) -> web.Response | None:
    """Sleep the planned latency; then the error response to send instead, if any."""
    if plan.latency_s > 0:
        await asyncio.sleep(plan.latency_s)
    if plan.status is None:
        return None
    if plan.status == 429:
        response = failure(429, "Too many requests. Please slow down.")
        response.headers["Retry-After"] = retry_after_header(plan.retry_after_s or 1.0)
        return response
    reason = _REASONS.get(plan.status, "Server Error")
    if plan.html_body:
        page = _HTML_PAGE.format(code=plan.status, reason=reason)
        return web.Response(status=plan.status, text=page, content_type="text/html")
    return failure(plan.status, f"{reason}. Please try again later.")
