"""File bytes: exact content, ranges, resumes after breaks, size limits, refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import (
    BatchFileNotFoundError,
    DownloadFailedError,
    NotDownloadableError,
    ValidationError,
)
from cpbatch.domain.models import BatchFile, FileKind
from cpbatch.entrypoints.simulator import FaultConfig
from support.classplus_kit import everything, fetch, settings_for, sha256


async def listed(gw, sim) -> tuple[list[BatchFile], dict[int, dict]]:
    _, files = await everything(gw, sim)
    manifest = {m["file_id"]: m for m in sim.manifest("learnwell")}
    return [f for f in files if f.downloadable], manifest


def biggest(files: list[BatchFile], manifest: dict[int, dict], n: int) -> list[BatchFile]:
    return sorted(files, key=lambda f: -manifest[f.id]["size"])[:n]


async def test_bytes_equal_the_manifest_and_size_is_known(gateway, sim):
    files, manifest = await listed(gateway, sim)
    for file in biggest(files, manifest, 3) + [f for f in files if f.kind is not FileKind.DOCUMENT]:
        async with gateway.open_file(file) as stream:
            data = b"".join([chunk async for chunk in stream.chunks()])
            assert stream.size == manifest[file.id]["size"] == len(data)
        assert sha256(data) == manifest[file.id]["sha256"]
    assert gateway.stats.resumes == 0


async def test_start_offset_asks_for_a_range_and_reports_the_total_size(gateway, sim):
    files, manifest = await listed(gateway, sim)
    file = biggest(files, manifest, 1)[0]
    whole = sim.file_bytes("learnwell", file.id)
    async with gateway.open_file(file, start=1000) as stream:
        tail = b"".join([chunk async for chunk in stream.chunks()])
        assert stream.size == len(whole)
    assert tail == whole[1000:]
    assert sim.stats.range_requests == 1


async def test_start_at_the_end_yields_nothing(gateway, sim):
    files, manifest = await listed(gateway, sim)
    file = files[0]
    data, _ = await fetch(gateway, file, start=manifest[file.id]["size"])
    assert data == b""


@pytest.mark.parametrize("fault", ["rate_reset", "rate_truncate"])
async def test_broken_bodies_are_resumed_with_range(sim, fault):
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=10)) as gw:
        files, manifest = await listed(gw, sim)
        sim.faults = FaultConfig(scope="files", seed=5, **{fault: 0.5})
        for file in biggest(files, manifest, 4):
            data, _ = await fetch(gw, file)
            assert sha256(data) == manifest[file.id]["sha256"]
        assert gw.stats.resumes > 0
    assert sim.stats.range_requests == gw.stats.resumes


async def test_a_stall_longer_than_the_read_timeout_is_resumed(sim):
    async with ClassPlusHttpGateway(settings_for(sim, read_timeout_s=0.2, max_retries=10)) as gw:
        files, manifest = await listed(gw, sim)
        file = biggest(files, manifest, 1)[0]
        sim.faults = FaultConfig(scope="files", rate_stall=0.5, stall_s=1.0, seed=2)
        data, resumes = await fetch(gw, file)
    assert sha256(data) == manifest[file.id]["sha256"]
    assert resumes > 0


async def test_a_file_that_always_fails_gives_up_after_max_retries(sim):
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=2)) as gw:
        files, _ = await listed(gw, sim)
        file = files[0]
        sim.faults = FaultConfig(fail_always_file_ids=frozenset({file.id}))
        with pytest.raises(DownloadFailedError, match=f"file {file.id} after 3 tries") as err:
            await fetch(gw, file)
    assert "/production/" not in str(err.value)
    assert "127.0.0.1" not in str(err.value)
    assert sim.stats.file_requests == 3


async def test_a_missing_file_is_batch_file_not_found(gateway, sim):
    files, _ = await listed(gateway, sim)
    gone = replace(files[0], url=files[0].url.rsplit("/", 1)[0] + "/0000.pdf")
    with pytest.raises(BatchFileNotFoundError, match="no longer has this file"):
        await fetch(gateway, gone)


async def test_max_file_size_is_enforced_from_content_length(sim):
    async with ClassPlusHttpGateway(settings_for(sim, max_file_size=10_000)) as gw:
        files, manifest = await listed(gw, sim)
        file = biggest(files, manifest, 1)[0]
        with pytest.raises(ValidationError, match="larger than MAX_FILE_SIZE"):
            async with gw.open_file(file):
                pytest.fail("must not open")
        assert gw.stats.retries == 0
        assert sim.stats.file_requests == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/production/1/a.pdf",
        "https://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/a.pdf",
        "https://cdn-wl-assets.classplus.co.evil.example/a.pdf",
    ],
)
async def test_urls_off_the_allowed_hosts_are_refused_before_connecting(gateway, sim, url):
    files, _ = await listed(gateway, sim)
    with pytest.raises(NotDownloadableError, match="not on an allowed ClassPlus file host"):
        await fetch(gateway, replace(files[0], url=url))
    assert sim.stats.file_requests == 0


async def test_plain_http_needs_the_loopback_opt_in(gateway, sim):
    files, _ = await listed(gateway, sim)
    strict = settings_for("https://api.classplusapp.com", allow_insecure_loopback=False)
    async with ClassPlusHttpGateway(strict) as gw:
        with pytest.raises(NotDownloadableError):
            await fetch(gw, files[0])
    assert sim.stats.file_requests == 0


async def test_videos_tests_and_locked_items_are_never_fetched(gateway, sim):
    _, files = await everything(gateway, sim)
    for file in (f for f in files if not f.downloadable):
        with pytest.raises(NotDownloadableError):
            await fetch(gateway, file)
    locked = next(f for f in files if f.locked and f.kind is FileKind.DOCUMENT)
    with pytest.raises(NotDownloadableError, match="locked"):
        await fetch(gateway, replace(locked, url=f"{sim.base_url}/production/1/x.pdf"))
    assert sim.stats.file_requests == 0
    assert sim.stats.requests["media_cdn"] == 0
