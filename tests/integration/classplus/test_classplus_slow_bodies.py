"""Slow bodies over real sockets: a host trickling a byte at a time, each just inside the read
timeout, is cut off by the speed floor; the cut is resumed like any other break, the file then
fails clearly, and its download slot is free again. No wall time is asserted: `asyncio.timeout`
only stops a test that would otherwise hang (as it did before the floor)."""

from __future__ import annotations

import asyncio

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import DownloadFailedError
from cpbatch.domain.models import BatchFile
from cpbatch.entrypoints.simulator import FaultConfig, Simulator
from support.classplus_kit import everything, fetch, settings_for, sha256

HANG_GUARD_S = 60
# One byte every 0.1 s against a 1 s read timeout: no read ever times out. The floor asks for
# 10 kB/s over 0.3 s windows.
SLOW = {"read_timeout_s": 1.0, "min_speed_bytes_s": 10_000, "min_speed_time_s": 0.3}


async def two_files(gw: ClassPlusHttpGateway, sim: Simulator) -> tuple[BatchFile, BatchFile]:
    _, files = await everything(gw, sim)
    sizes = {m["file_id"]: m["size"] for m in sim.manifest("learnwell")}
    big = sorted((f for f in files if f.downloadable), key=lambda f: -sizes[f.id])
    return big[0], big[1]


async def test_a_trickling_file_fails_clearly_after_its_resumes_and_frees_its_slot(sim):
    settings = settings_for(sim, max_retries=2, max_concurrent_files=1, **SLOW)
    async with asyncio.timeout(HANG_GUARD_S), ClassPlusHttpGateway(settings) as gw:
        slow, other = await two_files(gw, sim)
        sim.faults = FaultConfig(trickle_file_ids=frozenset({slow.id}), trickle_s=0.1)
        with pytest.raises(DownloadFailedError, match=r"too slow: under 9\.8 KiB/s") as failed:
            await fetch(gw, slow)
        assert f"file {slow.id} broke off 3 times" in str(failed.value)
        assert "127.0.0.1" not in str(failed.value)
        assert gw.stats.resumes == 2  # the retry budget, spent on resumes with Range
        # The only slot is free again: the next file downloads whole.
        data, resumes = await fetch(gw, other)
    assert data == sim.file_bytes("learnwell", other.id)
    assert resumes == 0
    assert sim.stats.range_requests == 2


async def test_a_body_that_trickles_now_and_then_is_resumed_whole(sim):
    settings = settings_for(sim, max_retries=10, **SLOW)
    async with asyncio.timeout(HANG_GUARD_S), ClassPlusHttpGateway(settings) as gw:
        files = await two_files(gw, sim)
        manifest = {m["file_id"]: m["sha256"] for m in sim.manifest("learnwell")}
        sim.faults = FaultConfig(scope="files", rate_trickle=0.5, trickle_s=0.1, seed=4)
        for file in files:
            data, _ = await fetch(gw, file)
            assert sha256(data) == manifest[file.id]
        assert gw.stats.resumes > 0
