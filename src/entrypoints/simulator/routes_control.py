"""The control routes (`--control` only): publish a file or a new version of one, as a tutor
would, so a running client can watch files appear. Loopback use for tests and demos."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cpbatch.entrypoints.simulator.publishing import publish, revise
from cpbatch.entrypoints.simulator.state import state_of
from cpbatch.entrypoints.simulator.world import Document


async def publish_file(request: web.Request) -> web.Response:
    body = await _body(request)
    try:
        document = publish(
            state_of(request).world,
            str(body["org"]),
            str(body["batch"]),
            str(body["name"]),
            int(body.get("size", 10_000)),
            str(body.get("folder", "")),
        )
    except (KeyError, TypeError, ValueError, LookupError) as error:
        raise web.HTTPBadRequest(text=f"cannot publish: {error}") from None
    return web.json_response(_entry(request, document), status=201)


async def revise_file(request: web.Request) -> web.Response:
    body = await _body(request)
    try:
        document = revise(state_of(request).world, str(body["org"]), int(body["file_id"]))
    except (KeyError, TypeError, ValueError, LookupError) as error:
        raise web.HTTPBadRequest(text=f"cannot revise: {error}") from None
    return web.json_response(_entry(request, document))


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body


def _entry(request: web.Request, document: Document) -> dict[str, Any]:
    state = state_of(request)
    return {
        "id": document.id,
        "name": document.name,
        "size": document.size,
        "updated_at": document.updated_at,
        "sha256": state.content.sha256(document),
    }
