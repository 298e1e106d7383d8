"""GET /healthz: can the bot reach its storage, and is it connected to Telegram?"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from importlib.metadata import PackageNotFoundError, version

import structlog
from aiohttp import web

from cpbatch.adapters.health.reasons import short_reason, shorten

log = structlog.get_logger(__name__)

HEALTH_PATH = "/healthz"
HealthCheck = Callable[[], Awaitable[Mapping[str, str]]]
"""Returns {"storage": "ok" | "error: <reason>", "bot": "connected" | "disconnected"}."""


def health_app(
    check: HealthCheck, *, version: str | None = None, timeout_s: float = 5.0
) -> web.Application:
    """An aiohttp app answering GET /healthz with JSON {status, version, storage, bot}:
    200 and status "ok" when storage is "ok" and the bot "connected", else 503 and
    "degraded". A check that raises or takes longer than timeout_s counts as a storage error
    (and the bot as disconnected: it could not be confirmed). Every reason is shortened and
    stripped of secrets here, whatever `check` returns. Other paths answer 404."""
    shown_version = version or _installed_version()

    async def healthz(_: web.Request) -> web.Response:
        storage, bot = await _run(check, timeout_s)
        healthy = storage == "ok" and bot == "connected"
        body = {
            "status": "ok" if healthy else "degraded",
            "version": shown_version,
            "storage": storage,
            "bot": bot,
        }
        if not healthy:
            log.warning("health_degraded", storage=storage, bot=bot)
        return web.json_response(
            body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"}
        )

    app = web.Application()
    app.router.add_get(HEALTH_PATH, healthz)
    return app


async def _run(check: HealthCheck, timeout_s: float) -> tuple[str, str]:
    try:
        async with asyncio.timeout(timeout_s):
            found = await check()
    except Exception as error:  # a failing check is a degraded service, not a 500
        return f"error: {short_reason(error)}", "disconnected"
    storage = str(found.get("storage", "error: not checked"))
    if storage != "ok":
        storage = "error: " + shorten(storage.removeprefix("error:"))
    bot = "connected" if found.get("bot") == "connected" else "disconnected"
    return storage, bot


def _installed_version() -> str:
    try:
        return version("cpbatch")
    except PackageNotFoundError:
        return "unknown"
