"""The upstream JSON envelope, and the one exception handlers raise to answer a failure."""

from __future__ import annotations

from typing import Any

from aiohttp import web


class ApiFailure(Exception):
    """Answer with HTTP `status` and `{"status": "failure", "message": message}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def success(data: dict[str, Any], message: str = "success") -> web.Response:
    return web.json_response({"status": "success", "message": message, "data": data})


def failure(status: int, message: str) -> web.Response:
    return web.json_response({"status": "failure", "message": message}, status=status)


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object; `ApiFailure(400)` otherwise."""
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiFailure(400, "Request body must be JSON.") from error
    if not isinstance(body, dict):
        raise ApiFailure(400, "Request body must be a JSON object.")
    return body
