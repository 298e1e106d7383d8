"""End to end against upstream answers the demo world does not give: names with dots that are
no extension, lock flags spelt every which way, expired purchases, pages capped by the server."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from cpbatch.entrypoints.simulator import (
    Course,
    FaultConfig,
    IdSequence,
    ItemFactory,
    World,
    root,
    run_simulator,
    single_course_world,
)
from support.cli.harness import Cli
from support.cli.synced_files import hashes_on_disk

pytestmark = pytest.mark.e2e


async def test_a_dot_in_a_name_is_no_extension_unless_a_known_one(tmp_path: Path) -> None:
    make = ItemFactory(IdSequence(10))
    world = single_course_world(
        make.doc("Chapter 3.1", 3_000),
        make.doc("Notes v1.2", 2_000),
        make.doc("Class 10.Physics", 1_000),
        make.doc("Scan.PDF", 500),
    )
    async with run_simulator(world) as sim:
        cli = Cli(sim, tmp_path)
        result = await cli("sync", "tinyorg", "--json", token=sim.token_for("tinyorg"))

    assert result.code == 0, result.stderr
    saved = sorted(path.name for path in cli.downloads.rglob("*") if path.is_file())
    assert saved == ["Chapter 3.1.pdf", "Class 10.Physics.pdf", "Notes v1.2.pdf", "Scan.PDF"]


async def test_an_item_any_lock_flag_withholds_is_never_fetched(tmp_path: Path) -> None:
    make = ItemFactory(IdSequence(10))
    world = single_course_world(
        make.doc("Open.pdf", 1_000, lock_flags={"isContentLocked": 0, "isLocked": "false"}),
        make.doc(
            "Mixed.pdf", 1_000, locked=True, lock_flags={"isContentLocked": False, "isLocked": 1}
        ),
        make.doc("On.pdf", 1_000, locked=True, lock_flags={"isContentLocked": "on"}),
        make.doc("Unclear.pdf", 1_000, locked=True, lock_flags={"isLocked": "locked"}),
    )
    async with run_simulator(world) as sim:
        cli = Cli(sim, tmp_path)
        result = await cli("sync", "tinyorg", "--json", token=sim.token_for("tinyorg"))
        listed = await cli("files", "tinyorg", "1001", "--json", token=sim.token_for("tinyorg"))

        assert result.code == 0, result.stderr
        report = result.json()
        assert (report["downloaded_files"], report["not_downloadable_files"]) == (1, 3)
        assert sim.stats.file_requests == 1
        assert [entry["name"] for entry in await sim.manifest_async("tinyorg")] == ["Open.pdf"]
    saved = [path.name for path in cli.downloads.rglob("*") if path.is_file()]
    assert saved == ["Open.pdf"]
    reasons = {f["name"]: f["not_downloadable_reason"] for f in listed.json()["files"]}
    assert reasons == {
        "Open.pdf": None,
        "Mixed.pdf": "this item is locked for your account",
        "On.pdf": "this item is locked for your account",
        "Unclear.pdf": "this item is locked for your account",
    }


async def test_files_lists_all_30_items_of_a_server_that_pages_by_5(tmp_path: Path) -> None:
    make = ItemFactory(IdSequence(10))
    world = single_course_world(*(make.doc(f"Sheet {n:02d}.pdf", 1_000) for n in range(30)))
    async with run_simulator(world, FaultConfig(page_cap=5)) as sim:
        cli = Cli(sim, tmp_path)
        listed = await cli("files", "tinyorg", "1001", "--json", token=sim.token_for("tinyorg"))
        synced = await cli("sync", "tinyorg", "--json", token=sim.token_for("tinyorg"))

    assert listed.code == 0, listed.stderr
    assert len(listed.json()["files"]) == 30
    assert synced.code == 0, synced.stderr
    assert synced.json()["downloaded_files"] == 30


async def test_an_endless_course_fails_alone_and_the_others_are_synced(cli: Cli) -> None:
    physics = 41001
    cli.sim.faults = FaultConfig(endless_page_ids=frozenset({physics}))
    cli.extra_env["MAX_LISTING_ITEMS"] = "300"
    others = [e for e in await cli.sim.manifest_async("learnwell") if e["batch_id"] != physics]

    result = await cli("sync", "learnwell", "--json", token=cli.sim.token_for("learnwell"))

    assert result.code == 5, result.stderr
    report = result.json()
    assert [f["batch_id"] for f in report["batch_failures"]] == [physics]
    failure = report["batch_failures"][0]
    assert "MAX_LISTING_ITEMS" in failure["reason"]
    assert "kept sending more" in failure["reason"]
    assert report["downloaded_files"] == len(others)
    assert hashes_on_disk(cli.downloads) == Counter(entry["sha256"] for entry in others)
    assert cli.sim.stats.requests["course_content"] < 300


def world_with_an_expired_course() -> World:
    make = ItemFactory(IdSequence(10))
    world = single_course_world(make.doc("Current.pdf", 1_000))
    old = Course(1002, "Old course", root(make.doc("Old.pdf", 1_000)), price=499, final_price=499)
    old.expires_at = "2024-07-01T00:00:00.000Z"
    org = world.orgs[0]
    org.courses.append(old)
    org.users[0].course_ids.add(old.id)
    return world


async def test_an_expired_course_is_listed_as_expired_and_nothing_in_it_is_fetched(
    tmp_path: Path,
) -> None:
    asked: list[str] = []

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/v2/course/content/get":
            asked.append(request.query.get("courseId", ""))
        return await handler(request)

    async with run_simulator(world_with_an_expired_course(), middlewares=[record]) as sim:
        cli = Cli(sim, tmp_path)
        token = sim.token_for("tinyorg")
        batches = await cli("batches", "tinyorg", "--json", token=token)
        table = await cli("batches", "tinyorg", token=token)
        files = await cli("files", "tinyorg", "1002", token=token)
        synced = await cli("sync", "tinyorg", "--json", token=token)
        shown = await cli("sync", "tinyorg", token=token)

    assert batches.code == 0, batches.stderr
    old = next(b for b in batches.json()["batches"] if b["batch_id"] == 1002)
    reason = "not downloadable: access expired on 2024-07-01"
    assert (old["downloadable"], old["not_downloadable_reason"]) == (False, reason)
    assert reason in table.stdout
    assert files.code == 9
    assert f"Old course (course:1002) is {reason}" in files.stderr
    assert synced.code == 0, synced.stderr
    report = synced.json()
    assert report["skipped_batches"] == [
        {"batch_id": 1002, "batch_name": "Old course", "reason": reason}
    ]
    assert report["downloaded_files"] == 1
    assert f"Old course (1002) skipped: {reason}" in shown.stdout
    assert "1002" not in asked  # not one request into the expired course
    assert [path.name for path in cli.downloads.rglob("*.pdf")] == ["Current.pdf"]
