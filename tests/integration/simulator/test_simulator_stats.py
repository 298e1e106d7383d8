"""Request counters, as sync tests use them ("the second sync fetched 0 file bytes")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from cpbatch.entrypoints.simulator import Simulator

if TYPE_CHECKING:
    from support.simulator_api import Api


async def test_stats_count_routes_statuses_and_file_bytes(
    api: Api, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    pdf = next(e for e in sim.manifest("learnwell") if e["name"] == "Lecture 2 notes.pdf")
    await api.get("/v2/courses", tabCategoryId=1)
    await api.get("/v2/course/content/get", courseId=41005)  # 403
    await api.post("/v2/folder", {"batchId": 73001})
    async with http.get(pdf["url"]) as response:
        await response.read()
    async with http.get(pdf["url"], headers={"Range": "bytes=10-19"}) as response:
        await response.read()
    stats = sim.stats
    assert stats.requests["courses"] == 1
    assert stats.requests["course_content"] == 1
    assert stats.requests["folder"] == 1
    assert stats.requests["file"] == 2
    assert stats.statuses[200] == 3
    assert stats.statuses[403] == 1
    assert stats.statuses[206] == 1
    assert stats.file_requests == 2
    assert stats.range_requests == 1
    assert stats.file_bytes_sent == pdf["size"] + 10


async def test_stats_reset(api: Api, sim: Simulator) -> None:
    await api.get("/v2/orgs/learnwell")
    sim.stats.reset()
    assert sim.stats.requests["org"] == 0
    assert sim.stats.file_bytes_sent == 0
    assert dict(sim.stats.statuses) == {}
