"""World builders: the demo world's promises, generated worlds, cycles and deep trees."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import aiohttp

from cpbatch.entrypoints.simulator import (
    Document,
    Folder,
    IdSequence,
    ItemFactory,
    Simulator,
    demo_world,
    folder_chain,
    folder_cycle,
    generated_world,
    run_simulator,
    single_course_world,
)
from cpbatch.entrypoints.simulator.cli_options import build_parser, world_from
from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.manifest import build_manifest
from cpbatch.entrypoints.simulator.world import walk_folders

if TYPE_CHECKING:
    from support.simulator_api import Api

    ApiFor = Callable[[Simulator, str], Api]


def test_demo_world_sizes_and_counts() -> None:
    world = demo_world()
    manifest = build_manifest(world, ContentSource(world.seed), "http://sim", "learnwell")
    sheets = [e for e in manifest if e["folder_path"] == ["Daily practice sheets"]]
    regular = [e for e in manifest if e not in sheets]
    assert len(sheets) == 120
    assert all(e["size"] < 10_000 for e in sheets)
    assert 35 <= len(regular) <= 50
    assert all(5_000 <= e["size"] <= 3_000_000 for e in regular)
    assert 20_000_000 <= sum(e["size"] for e in manifest) <= 30_000_000
    assert [org.code for org in world.orgs] == ["learnwell", "brightpath", "emptyorg"]


def test_demo_world_large_files_join_learnwell_physics_and_move_no_other_id() -> None:
    plain = demo_world()
    world = world_from(build_parser().parse_args(["--large-file", "3M", "--large-file", "1KiB"]))
    content = ContentSource(world.seed)
    before = build_manifest(plain, content, "http://sim", "learnwell", include_sha256=False)
    after = build_manifest(world, content, "http://sim", "learnwell", include_sha256=False)
    large = [e for e in after if e["folder_path"] == ["Large files"]]
    assert [(e["name"], e["size"], e["batch_id"]) for e in large] == [
        ("Large file 1.zip", 3_000_000, 41001),
        ("Large file 2.zip", 1024, 41001),
    ]
    others = [(e["file_id"], e["name"]) for e in after if e not in large]
    assert others == [(e["file_id"], e["name"]) for e in before]


def test_generated_world_builds_twenty_thousand_files_fast() -> None:
    started = time.monotonic()
    world = generated_world(files=20_000, courses=2, large_files=[5 * 2**30])
    assert time.monotonic() - started < 2.0
    documents = [doc for course in world.orgs[0].courses for doc in _all_documents(course.root)]
    assert len(documents) == 20_001
    assert len({d.id for d in documents}) == 20_001


def _all_documents(folder: Folder) -> list[Document]:
    return [i for f, _ in walk_folders(folder) for i in f.items if isinstance(i, Document)]


def test_generated_world_respects_depth_and_per_folder() -> None:
    world = generated_world(files=100, folder_depth=2, per_folder=10, min_size=1000, max_size=2000)
    manifest = build_manifest(world, ContentSource(world.seed), "http://sim", include_sha256=False)
    assert len(manifest) == 100
    assert {e["sha256"] for e in manifest} == {None}
    assert all(len(e["folder_path"]) == 2 for e in manifest)
    assert all(1000 <= e["size"] <= 2000 for e in manifest)


async def test_folder_cycle_lists_the_ancestor_again(api_for: ApiFor) -> None:
    make = ItemFactory(IdSequence(10))
    loop_a = folder_cycle(make, make.doc("Inside.pdf", 6000))
    async with run_simulator(single_course_world(loop_a)) as sim:
        api = api_for(sim, "tinyorg")
        root = await api.content(1001)
        loop_b = (await api.content(1001, root[0]["id"]))[0]
        inside = await api.content(1001, loop_b["id"])
        assert {item["name"] for item in inside} == {"Inside.pdf", "Loop A"}
        assert next(i for i in inside if i["name"] == "Loop A")["id"] == loop_a.id
        assert [e["name"] for e in sim.manifest()] == ["Inside.pdf"]


async def test_deep_nesting_is_walkable(api_for: ApiFor) -> None:
    make = ItemFactory(IdSequence(10))
    top = folder_chain(make, 40, make.doc("Bottom.pdf", 6000))
    async with run_simulator(single_course_world(top)) as sim:
        api = api_for(sim, "tinyorg")
        folder_id, depth = 0, 0
        while True:
            items = await api.content(1001, folder_id)
            if items[0]["contentType"] != 1:
                break
            folder_id, depth = items[0]["id"], depth + 1
        assert depth == 40
        assert items[0]["name"] == "Bottom.pdf"
        assert len(sim.manifest()[0]["folder_path"]) == 40


async def test_items_added_while_running_are_served(http: aiohttp.ClientSession) -> None:
    make = ItemFactory(IdSequence(10))
    async with run_simulator(single_course_world()) as sim:
        sim.world.orgs[0].courses[0].root.add(make.doc("Late.pdf", 7000))
        entry = sim.manifest()[0]
        async with http.get(entry["url"]) as response:
            assert response.status == 200
            assert len(await response.read()) == 7000


def test_hostile_names_are_a_world_option() -> None:
    from cpbatch.entrypoints.simulator.cli_options import build_parser, world_from

    plain = world_from(build_parser().parse_args([]))
    hostile = world_from(build_parser().parse_args(["--hostile-names"]))
    org = hostile.org_by_code("learnwell")
    assert org is not None
    assert "[/x]" in org.name
    assert "\x1b]0;" in org.name
    assert "\x1b[2J" in org.courses[0].name
    names = {o.name for o in plain.orgs}
    assert not any("\x1b" in name for name in names)
