"""Start and stop the application around a piece of work."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar, cast

import structlog

from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container
from cpbatch.entrypoints.logging_setup import configure_logging

log = structlog.get_logger(__name__)
T = TypeVar("T")


@asynccontextmanager
async def running(
    settings: Settings, container: Container | None = None
) -> AsyncIterator[Container]:
    """The container inside the block, its resources (HTTP session, database, Telegram client)
    opened as the work first resolves them and closed after it, whatever happens. Resolve use
    cases with `await resolved(container.sync_org())`. Pass a container to use overridden
    providers."""
    if not structlog.is_configured():
        # Used as a library (the async Python API): structlog's defaults would print every
        # line, unredacted, to stdout. The host's own logging setup is kept.
        configure_logging(settings.log_level, settings.log_format, own_root=False)
    container = container or Container(settings=settings)
    try:
        yield container
    except BaseException:
        try:
            await container.shutdown_resources()  # type: ignore[misc]
        except Exception:
            # After a failed start some resources never opened: the error already on its way
            # out is the one to report, not this one.
            log.warning("shutdown_after_failure", exc_info=True)
        raise
    await container.shutdown_resources()  # type: ignore[misc]


async def resolved(provided: T | Awaitable[T]) -> T:
    """What a provider gave: providers that depend on an async resource hand out an awaitable
    (dependency-injector's types do not say so), the others the object itself."""
    if inspect.isawaitable(provided):
        return cast(T, await provided)
    return provided
