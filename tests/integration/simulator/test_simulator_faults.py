"""Every fault kind is observable by a client, reproducible, and switchable at runtime."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import aiohttp
import pytest

from cpbatch.entrypoints.simulator import FaultConfig, Simulator, run_simulator

if TYPE_CHECKING:
    from support.simulator_api import Api

BIG_FILE = "Derivatives.pdf"  # 3 MB: big enough to cut mid-body


def url_of(sim: Simulator, name: str) -> str:
    return next(e["url"] for e in sim.manifest("learnwell") if e["name"] == name)


async def test_5xx_on_api_and_files_with_json_or_html_bodies(
    api: Api, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults = FaultConfig(rate_5xx=1.0, seed=3)
    content_types = set()
    for _ in range(12):
        async with http.get(f"{sim.base_url}/v2/courses", headers=api.headers(None)) as r:
            assert r.status in (500, 502, 503)
            content_types.add(r.content_type)
            assert await r.read()
    assert content_types == {"application/json", "text/html"}
    async with http.get(url_of(sim, "Limits.pdf")) as response:
        assert response.status in (500, 502, 503)


async def test_429_carries_retry_after(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(rate_429=1.0, retry_after_s=3)
    async with api.session.get(f"{sim.base_url}/v2/orgs/learnwell") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"


class BodyReader:
    """Reads a file body chunk by chunk, remembering how much arrived before any error."""

    def __init__(self) -> None:
        self.received = 0
        self.promised = 0

    async def read(self, http: aiohttp.ClientSession, url: str) -> None:
        async with http.get(url) as response:
            self.promised = int(response.headers["Content-Length"])
            async for chunk in response.content.iter_chunked(65536):
                self.received += len(chunk)


async def test_reset_breaks_the_body_midway(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults = FaultConfig(rate_reset=1.0, scope="files")
    reader = BodyReader()
    with pytest.raises(aiohttp.ClientPayloadError) as raised:
        await reader.read(http, url_of(sim, BIG_FILE))
    assert "reset" in str(raised.value).lower()  # an RST, not a clean close
    assert 0 < reader.received < reader.promised


async def test_truncate_sends_less_than_content_length(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults = FaultConfig(rate_truncate=1.0)
    reader = BodyReader()
    with pytest.raises(aiohttp.ClientPayloadError) as raised:
        await reader.read(http, url_of(sim, BIG_FILE))
    assert "reset" not in str(raised.value).lower()  # a clean close
    assert 0 < reader.received < reader.promised


async def test_stall_outlasts_the_clients_read_timeout(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults = FaultConfig(rate_stall=1.0, stall_s=0.6)
    timeout = aiohttp.ClientTimeout(sock_read=0.2)
    with pytest.raises(asyncio.TimeoutError):
        async with http.get(url_of(sim, BIG_FILE), timeout=timeout) as response:
            await response.read()


async def test_trickle_sends_a_byte_at_a_time_inside_the_read_timeout(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults = FaultConfig(rate_trickle=1.0, trickle_s=0.05, scope="files")
    timeout = aiohttp.ClientTimeout(sock_read=2.0)
    received = ones = 0
    async with http.get(url_of(sim, BIG_FILE), timeout=timeout) as response:
        promised = int(response.headers["Content-Length"])
        while ones < 20:  # past the cut, one byte per read, and no read times out
            size = len(await response.content.readany())
            assert size > 0, "the body ended: it did not trickle"
            ones = ones + 1 if size == 1 else 0
            received += size
    assert received < promised


async def test_trickle_file_ids_trickle_on_every_request(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    doomed = next(e for e in sim.manifest("learnwell") if e["name"] == BIG_FILE)
    sim.faults = FaultConfig(trickle_file_ids=frozenset({doomed["file_id"]}), trickle_s=0.01)
    for headers in ({}, {"Range": "bytes=100-"}):
        async with http.get(doomed["url"], headers=headers) as response:
            assert len(await response.content.readany()) == 1
            assert len(await response.content.readany()) == 1
    async with http.get(url_of(sim, "Limits.pdf")) as response:
        assert len(await response.read()) == int(response.headers["Content-Length"])


async def test_latency_delays_answers(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(latency_s=0.2)
    started = time.monotonic()
    status, _ = await api.get("/v2/orgs/learnwell")
    assert status == 200
    assert time.monotonic() - started >= 0.2


async def test_scope_limits_where_faults_happen(
    api: Api, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults = FaultConfig(rate_5xx=1.0, scope="files")
    assert (await api.get("/v2/courses", tabCategoryId=1))[0] == 200
    async with http.get(url_of(sim, "Limits.pdf")) as response:
        assert response.status >= 500


async def test_fail_always_file_ids(sim: Simulator, http: aiohttp.ClientSession) -> None:
    manifest = sim.manifest("learnwell")
    doomed, fine = manifest[0], manifest[1]
    sim.faults = FaultConfig(fail_always_file_ids=frozenset({doomed["file_id"]}))
    for _ in range(3):
        async with http.get(doomed["url"]) as response:
            assert response.status == 500
    async with http.get(fine["url"]) as response:
        assert response.status == 200


async def test_request_rate_limit_answers_429(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(max_requests_per_second=5)
    statuses = [
        status
        for status, _ in await asyncio.gather(*(api.get("/v2/orgs/learnwell") for _ in range(20)))
    ]
    assert statuses.count(200) >= 5
    assert 429 in statuses
    sim.faults = FaultConfig()
    assert (await api.get("/v2/orgs/learnwell"))[0] == 200


async def test_fault_decisions_are_reproducible(http: aiohttp.ClientSession) -> None:
    async def statuses() -> list[int]:
        async with run_simulator(faults=FaultConfig(rate_5xx=0.5, seed=11)) as sim:
            result = []
            for _ in range(20):
                async with http.get(f"{sim.base_url}/v2/orgs/learnwell") as response:
                    result.append(response.status)
            return result

    first = await statuses()
    assert first == await statuses()
    assert 200 in first
    assert any(status >= 500 for status in first)
