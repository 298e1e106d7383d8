"""Serving the health app beside the bot, for as long as a block runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)

# Platforms (Render, Docker) probe from outside the container's loopback, so by default the
# server listens on every interface; it shows nothing secret.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104


@asynccontextmanager
async def serve_health(
    app: web.Application, port: int, host: str = ALL_INTERFACES
) -> AsyncIterator[int]:
    """Serve `app` on host:port inside the block and yield the bound port (port 0 picks a
    free one). Stops on exit, waiting at most a second for a probe in flight. Raises OSError
    when the port cannot be bound."""
    # No access log: a platform probing every few seconds would drown the bot's own lines.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = int(runner.addresses[0][1])
        log.info("health_serving", host=host, port=bound)
        yield bound
    finally:
        await runner.cleanup()
