"""A ClassPlus that answers one endpoint badly: a proxy in front of an in-process simulator.

The simulator cannot produce malformed JSON, HTML pages or redirect loops, so this small aiohttp
server forwards every request to a real simulator (`run_simulator`) and spoils the answers of
ONE endpoint, chosen per case (`BadUpstream.spoil(endpoint, kind)`):

    malformed_json   the real JSON cut in half (application/json, 200)
    wrong_types      the real `data` with every value swapped for another JSON type
    missing_fields   the real `data` with every scalar field removed (containers kept)
    html_page        200 with an HTML error page (a captive portal or a CDN error)
    redirect_loop    302 back to the very same URL

Both servers run on their own event loop in a background thread, so `run()` functions and
tests stay synchronous while cpbatch runs as a subprocess against `base_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from cpbatch.entrypoints.simulator import generated_world, run_simulator
from cpbatch.entrypoints.simulator.world import World

ENDPOINTS = {
    "org": "/v2/orgs/",
    "courses": "/v2/courses",
    "content": "/v2/course/content/get",
}
KINDS = ("malformed_json", "wrong_types", "missing_fields", "html_page", "redirect_loop")
START_TIMEOUT_S = 30.0
_HOP_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_HTML = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    "<h1>Something went wrong</h1><p>Please try again later.</p></body></html>"
)


def endpoint_matches(endpoint: str, path: str) -> bool:
    prefix = ENDPOINTS[endpoint]
    return path.startswith(prefix) if prefix.endswith("/") else path == prefix


def wrong_types(value: Any) -> Any:
    """The same structure, but no scalar keeps its JSON type."""
    if isinstance(value, dict):
        return {key: wrong_types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wrong_types(item) for item in value] or "not-a-list"
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, int | float):
        return ["not", "a", "number"]
    if isinstance(value, str):
        return {"not": "a string"}
    return value


def missing_fields(value: Any) -> Any:
    """The same containers, without any scalar field."""
    if isinstance(value, dict):
        return {k: missing_fields(v) for k, v in value.items() if isinstance(v, dict | list)}
    if isinstance(value, list):
        return [missing_fields(item) for item in value]
    return value


def spoil_body(kind: str, raw: bytes) -> bytes:
    if kind == "malformed_json":
        return raw[: max(1, len(raw) // 2)] + b"\x00"
    payload = json.loads(raw)
    if isinstance(payload, dict) and "data" in payload:
        change = wrong_types if kind == "wrong_types" else missing_fields
        payload["data"] = change(payload["data"])
    return json.dumps(payload).encode()


class BadUpstream:
    """`with BadUpstream() as bad:` a proxy at `bad.base_url`; `bad.spoil("courses",
    "html_page")` before each case, `bad.spoil(None)` for a well-behaved upstream."""

    def __init__(self, world: World | None = None, org_code: str = "badorg") -> None:
        self.org_code = org_code
        self._world = world or generated_world(
            org_code=org_code,
            files=4,
            min_size=2_000,
            max_size=20_000,
            folder_depth=1,
            per_folder=2,
        )
        self._target: tuple[str, str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="chaos-bad-upstream", daemon=True)
        self._error: BaseException | None = None
        self.base_url = ""
        self.token = ""
        self.spoiled = 0  # answers spoiled since the last `spoil`

    def spoil(self, endpoint: str | None, kind: str = "") -> None:
        if endpoint is not None and (endpoint not in ENDPOINTS or kind not in KINDS):
            raise ValueError(f"no such case: {endpoint} {kind}")
        self._target = None if endpoint is None else (endpoint, kind)
        self.spoiled = 0

    def __enter__(self) -> BadUpstream:
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S) or self._error is not None:
            self.close()
            raise RuntimeError(f"the bad upstream did not start: {self._error!r}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop has just closed
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout=START_TIMEOUT_S)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to the starting thread
            self._error = error
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with (
            run_simulator(self._world) as sim,
            aiohttp.ClientSession(auto_decompress=False) as session,
        ):
            upstream = sim.base_url

            async def handle(request: web.Request) -> web.StreamResponse:
                target = self._target
                hit = target is not None and endpoint_matches(target[0], request.path)
                kind = target[1] if target is not None else ""
                if hit:
                    self.spoiled += 1
                    if kind == "redirect_loop":
                        return web.Response(status=302, headers={"Location": str(request.url)})
                    if kind == "html_page":
                        return web.Response(status=200, text=_HTML, content_type="text/html")
                headers = {
                    k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS
                }
                async with session.request(
                    request.method,
                    upstream + str(request.rel_url),
                    headers=headers,
                    data=await request.read(),
                    allow_redirects=False,
                ) as answer:
                    raw = await answer.read()
                    content_type = answer.headers.get("Content-Type", "application/json")
                if hit and 200 <= answer.status < 300:
                    raw = spoil_body(kind, raw)
                return web.Response(
                    status=answer.status, body=raw, headers={"Content-Type": content_type}
                )

            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            try:
                await web.TCPSite(runner, "127.0.0.1", 0).start()
                self.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
                self.token = sim.token_for(self.org_code)
                self._ready.set()
                await self._stop.wait()
            finally:
                await runner.cleanup()
