"""The CDN: whole files, ranges, content identity and determinism."""

from __future__ import annotations

import asyncio
import hashlib
import resource
from typing import Any

import aiohttp

from cpbatch.entrypoints.simulator import Simulator, generated_world, run_simulator


def entry(sim: Simulator, name: str) -> dict[str, Any]:
    return next(e for e in sim.manifest("learnwell") if e["name"] == name)


async def fetch(http: aiohttp.ClientSession, url: str, **headers: str) -> tuple[int, Any, bytes]:
    async with http.get(url, headers=headers) as response:
        return response.status, response.headers, await response.read()


async def test_whole_file_has_headers_and_manifest_digest(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    pdf = entry(sim, "Lecture 1 notes.pdf")
    status, headers, body = await fetch(http, pdf["url"])
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Accept-Ranges"] == "bytes"
    assert int(headers["Content-Length"]) == pdf["size"] == len(body)
    assert body.startswith(b"%PDF-1.4\n")
    assert hashlib.sha256(body).hexdigest() == pdf["sha256"]
    assert sim.file_bytes("learnwell", pdf["file_id"]) == body


async def test_every_manifest_file_matches_its_digest(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    manifest = await sim.manifest_async()

    async def digest(url: str) -> str:
        return hashlib.sha256((await fetch(http, url))[2]).hexdigest()

    digests = await asyncio.gather(*(digest(e["url"]) for e in manifest))
    assert digests == [e["sha256"] for e in manifest]
    assert {e["org_code"] for e in manifest} == {"learnwell", "brightpath"}
    assert {e["batch_source"] for e in manifest} == {"course", "batch"}


async def test_formats_start_with_their_magic_bytes(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    magic = {
        "Periodic table.png": b"\x89PNG\r\n\x1a\n",
        "Named reactions chart.jpg": b"\xff\xd8\xff",
        "Coordination compounds.zip": b"PK\x03\x04",
    }
    for name, prefix in magic.items():
        _, _, head = await fetch(http, entry(sim, name)["url"], Range="bytes=0-15")
        assert head.startswith(prefix), name


async def test_ranges_give_206_with_content_range(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    pdf = entry(sim, "Solved examples set 2.pdf")
    size = pdf["size"]
    _, _, whole = await fetch(http, pdf["url"])
    for header, expected in (
        (f"bytes={size - 1000}-", whole[size - 1000 :]),
        ("bytes=100-199", whole[100:200]),
        ("bytes=-10", whole[-10:]),
    ):
        status, headers, body = await fetch(http, pdf["url"], Range=header)
        assert status == 206
        assert body == expected
        assert headers["Content-Range"].endswith(f"/{size}")
        assert int(headers["Content-Length"]) == len(expected)


async def test_unsatisfiable_range_is_416(sim: Simulator, http: aiohttp.ClientSession) -> None:
    pdf = entry(sim, "Lecture 1 notes.pdf")
    status, headers, _ = await fetch(http, pdf["url"], Range=f"bytes={pdf['size']}-")
    assert status == 416
    assert headers["Content-Range"] == f"bytes */{pdf['size']}"


async def test_head_and_unknown_paths(sim: Simulator, http: aiohttp.ClientSession) -> None:
    pdf = entry(sim, "Lecture 1 notes.pdf")
    async with http.head(pdf["url"]) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == pdf["size"]
    status, _, _ = await fetch(http, f"{sim.base_url}/production/361842/{'0' * 32}.pdf")
    assert status == 404


async def test_twin_files_have_identical_bytes(sim: Simulator) -> None:
    twins = [e for e in sim.manifest("learnwell") if e["name"].startswith("Scientific constants")]
    assert len(twins) == 2
    assert twins[0]["file_id"] != twins[1]["file_id"]
    assert twins[0]["batch_id"] != twins[1]["batch_id"]
    assert twins[0]["sha256"] == twins[1]["sha256"]


async def test_same_seed_gives_same_world_and_bytes(http: aiohttp.ClientSession) -> None:
    def portable(manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in e.items() if k != "url"} for e in manifest]

    async with run_simulator() as first, run_simulator() as second:
        assert portable(first.manifest()) == portable(second.manifest())
        url_a, url_b = entry(first, "Limits.pdf")["url"], entry(second, "Limits.pdf")["url"]
        assert (await fetch(http, url_a))[2] == (await fetch(http, url_b))[2]
        assert url_a.split("/", 3)[3] == url_b.split("/", 3)[3]


async def test_videos_are_not_downloadable(sim: Simulator, http: aiohttp.ClientSession) -> None:
    status, _, _ = await fetch(http, f"{sim.base_url}/media-cdn/drm/361842/abc/master.m3u8")
    assert status == 403
    assert sim.stats.requests["media_cdn"] == 1


async def test_multi_gigabyte_file_tail_is_served_without_memory_blowup(
    http: aiohttp.ClientSession,
) -> None:
    big = 6 * 2**30
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    async with run_simulator(generated_world(files=3, large_files=[big])) as sim:
        listing_url = f"{sim.base_url}/v2/course/content/get?courseId=51001&folderId=0"
        token = {"x-access-token": sim.token_for("benchorg")}
        async with http.get(listing_url, headers=token) as response:
            items = (await response.json())["data"]["courseContent"]
        url = next(item["url"] for item in items if item["name"] == "Large file 1.zip")
        status, headers, body = await fetch(http, url, Range=f"bytes={big - 64}-")
        assert status == 206
        assert len(body) == 64
        assert headers["Content-Range"] == f"bytes {big - 64}-{big - 1}/{big}"
        async with http.head(url) as response:
            assert int(response.headers["Content-Length"]) == big
    growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert growth_kib < 100 * 1024
