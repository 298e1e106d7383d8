"""Start and stop the application around a piece of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from entrypoints.config import Settings
from entrypoints.container import Container


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Container]:
    """A container whose resources (HTTP session, database) are open inside the block and
    closed after it, whatever happens."""
    container = Container(settings=settings)
    try:
        await container.init_resources()  # type: ignore[misc]
        yield container
    finally:
        await container.shutdown_resources()  # type: ignore[misc]
