"""Files that appear and change while the simulator runs: through the harness, and through
the control routes served with `--control` (absent without it)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys

import aiohttp

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.models import BatchFile
from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.classplus_kit import org_of, settings_for, token

FREE_COURSE = "course:41004"


async def listed(sim: Simulator) -> dict[int, BatchFile]:
    async with ClassPlusHttpGateway(settings_for(sim)) as gateway:
        batches = await gateway.list_batches(await org_of(gateway), token(sim))
        course = next(b for b in batches if b.key == FREE_COURSE)
        return {f.id: f for f in await gateway.list_files(course, token(sim))}


async def test_a_published_file_is_listed_and_served(sim: Simulator) -> None:
    before = await listed(sim)

    document = sim.publish_file("learnwell", FREE_COURSE, "Week 2 notes.pdf", 5_000, "New")

    after = await listed(sim)
    assert set(after) - set(before) == {document.id}
    new = after[document.id]
    assert (new.name, new.folder_path) == ("Week 2 notes.pdf", ("New",))
    assert sim.file_bytes("learnwell", document.id)[:4] == b"%PDF"


async def test_a_revised_file_gets_a_new_version_and_new_bytes(sim: Simulator) -> None:
    some = next(f for f in (await listed(sim)).values() if f.downloadable)
    old_bytes = sim.file_bytes("learnwell", some.id)

    sim.revise_file("learnwell", some.id)

    again = (await listed(sim))[some.id]
    assert again.version != some.version
    assert sim.file_bytes("learnwell", some.id) != old_bytes


async def test_the_control_routes_publish_and_revise_over_http() -> None:
    async with run_simulator(control=True) as sim, aiohttp.ClientSession() as http:
        body = {"org": "learnwell", "batch": FREE_COURSE, "name": "Quiz answers.pdf", "size": 777}
        async with http.post(sim.base_url + "/_control/publish", json=body) as response:
            assert response.status == 201
            published = await response.json()
        assert published["size"] == 777
        served = sim.file_bytes("learnwell", published["id"])
        assert hashlib.sha256(served).hexdigest() == published["sha256"]

        body = {"org": "learnwell", "file_id": published["id"]}
        async with http.post(sim.base_url + "/_control/revise", json=body) as response:
            revised = await response.json()
        assert revised["updated_at"] > published["updated_at"]
        assert revised["sha256"] != published["sha256"]

        async with http.post(sim.base_url + "/_control/publish", json={"org": "nope"}) as bad:
            assert bad.status == 400


async def test_without_control_there_are_no_control_routes(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    body = {"org": "learnwell", "batch": FREE_COURSE, "name": "x.pdf"}
    async with http.post(sim.base_url + "/_control/publish", json=body) as response:
        assert response.status == 404


async def test_the_simulator_command_serves_control_with_its_flag() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cpbatch.entrypoints.simulator", "--control",
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        base_url = json.loads(await process.stdout.readline())["base_url"]
        body = {"org": "learnwell", "batch": FREE_COURSE, "name": "From the CLI.pdf"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(base_url + "/_control/publish", json=body) as response,
        ):
            assert response.status == 201
    finally:
        process.terminate()
        await process.wait()
