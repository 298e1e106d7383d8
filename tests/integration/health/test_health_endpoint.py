"""GET /healthz over a real loopback socket: what a platform's probe sees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

import aiohttp
import pytest

from cpbatch.adapters.health import HealthCheck, health_app, serve_health, storage_status
from cpbatch.domain.errors import StorageError

# Secret-shaped values are assembled at run time, so no tracked file holds one.
PASSWORD = "hunter" + "2" * 10
MONGO_URI = "mongodb" + "://atlas-user:" + PASSWORD + "@cluster0.example.net/classplus"
BOT_TOKEN = "123456789" + ":" + "AA" + "x" * 33


def reporting(**found: str) -> HealthCheck:
    async def check() -> Mapping[str, str]:
        return found

    return check


def failing(error: BaseException) -> HealthCheck:
    async def check() -> Mapping[str, str]:
        raise error

    return check


@asynccontextmanager
async def probe(check: HealthCheck, **options: Any) -> AsyncIterator[str]:
    """The base URL of a running health server."""
    async with serve_health(health_app(check, **options), 0, host="127.0.0.1") as port:
        yield f"http://127.0.0.1:{port}"


async def get(url: str) -> tuple[int, dict[str, Any], str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
        body = await response.json() if response.content_type == "application/json" else {}
        return response.status, body, text


async def test_healthy_is_200_with_version_storage_and_bot() -> None:
    async with (
        probe(reporting(storage="ok", bot="connected"), version="1.2.3") as base,
        aiohttp.ClientSession() as session,
        session.get(base + "/healthz") as resp,
    ):
        assert resp.status == 200
        assert resp.headers["Cache-Control"] == "no-store"
        assert await resp.json() == {
            "status": "ok",
            "version": "1.2.3",
            "storage": "ok",
            "bot": "connected",
        }


async def test_the_version_defaults_to_the_installed_package() -> None:
    async with probe(reporting(storage="ok", bot="connected")) as base:
        _, body, _ = await get(base + "/healthz")
    assert body["version"] == version("cpbatch")


async def test_failing_storage_is_503_with_a_short_reason_and_no_secret() -> None:
    error = StorageError(
        f"Could not reach MongoDB at {MONGO_URI} (bot {BOT_TOKEN}): "
        + "server selection timed out " * 20
        + "\nTraceback (most recent call last): ..."
    )
    async with probe(failing(error)) as base:
        status, body, text = await get(base + "/healthz")
    assert status == 503
    assert body["status"] == "degraded"
    assert body["storage"].startswith("error: Could not reach MongoDB at mongodb://***@cluster0")
    assert len(body["storage"]) <= 130
    assert "Traceback" not in text
    assert PASSWORD not in text
    assert "atlas-user" not in text
    assert BOT_TOKEN.split(":")[1] not in text


async def test_a_reason_the_check_reports_is_redacted_too() -> None:
    check = reporting(storage=f"error: cannot connect to {MONGO_URI}", bot="connected")
    async with probe(check) as base:
        status, body, text = await get(base + "/healthz")
    assert status == 503
    assert body["storage"] == (
        "error: cannot connect to mongodb://***@cluster0.example.net/classplus"
    )
    assert PASSWORD not in text


async def test_a_foreign_exception_shows_only_its_type() -> None:
    async with probe(failing(ConnectionRefusedError(f"connect to {MONGO_URI} refused"))) as base:
        status, body, text = await get(base + "/healthz")
    assert status == 503
    assert body["storage"] == "error: ConnectionRefusedError"
    assert body["bot"] == "disconnected"  # could not be confirmed
    assert "cluster0" not in text


async def test_a_disconnected_bot_is_503_degraded() -> None:
    async with probe(reporting(storage="ok", bot="disconnected")) as base:
        status, body, _ = await get(base + "/healthz")
    assert (status, body["status"], body["storage"], body["bot"]) == (
        503,
        "degraded",
        "ok",
        "disconnected",
    )


async def test_a_check_that_hangs_times_out_as_503() -> None:
    async def hangs() -> Mapping[str, str]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with probe(hangs, timeout_s=0.05) as base:
        status, body, _ = await get(base + "/healthz")
    assert (status, body["storage"]) == (503, "error: timed out")


@pytest.mark.parametrize("path", ["/", "/health", "/healthz/extra", "/../etc/passwd"])
async def test_unknown_paths_are_404(path: str) -> None:
    async with probe(reporting(storage="ok", bot="connected")) as base:
        status, _, _ = await get(base + path)
    assert status == 404


async def test_the_server_stops_with_the_block() -> None:
    async with probe(reporting(storage="ok", bot="connected")) as base:
        assert (await get(base + "/healthz"))[0] == 200
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(base + "/healthz")


async def test_storage_status_turns_a_ping_into_ok_or_a_short_error() -> None:
    async def fine() -> None:
        return None

    async def broken() -> None:
        raise StorageError(f"Could not open {MONGO_URI}")

    assert await storage_status(fine) == "ok"
    assert await storage_status(broken) == (
        "error: Could not open mongodb://***@cluster0.example.net/classplus"
    )
