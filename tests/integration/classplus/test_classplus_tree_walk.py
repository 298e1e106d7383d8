"""Walking hand-built trees: cycles, deep chains, odd contentTypes."""

from __future__ import annotations

import structlog

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.entrypoints.simulator import (
    IdSequence,
    ItemFactory,
    folder_chain,
    folder_cycle,
    run_simulator,
    single_course_world,
)
from support.classplus_kit import everything, settings_for


async def test_a_folder_cycle_is_walked_once():
    make = ItemFactory(IdSequence(10))
    world = single_course_world(folder_cycle(make, make.doc("Inside.pdf", 2000)))
    async with run_simulator(world) as sim, ClassPlusHttpGateway(settings_for(sim)) as gw:
        _, files = await everything(gw, sim, "tinyorg")
    assert [(f.name, f.folder_path) for f in files] == [("Inside.pdf", ("Loop A", "Loop B"))]
    # root, Loop A, Loop B (each a page, then an empty page to be sure); not Loop A again
    assert sim.stats.requests["course_content"] == 6


async def test_a_chain_deeper_than_max_depth_is_cut_with_a_warning():
    make = ItemFactory(IdSequence(10))
    chain = folder_chain(make, 6, make.doc("Deep.pdf", 2000))
    world = single_course_world(make.doc("Top.pdf", 1000), chain)
    async with run_simulator(world) as sim:
        async with ClassPlusHttpGateway(settings_for(sim, max_depth=3)) as gw:
            with structlog.testing.capture_logs() as logs:
                _, files = await everything(gw, sim, "tinyorg")
        assert [f.name for f in files] == ["Top.pdf"]
        assert any(e["event"] == "classplus_folder_too_deep" for e in logs)
        async with ClassPlusHttpGateway(settings_for(sim)) as gw:
            _, files = await everything(gw, sim, "tinyorg")
        deep = next(f for f in files if f.name == "Deep.pdf")
        assert deep.folder_path == tuple(f"Level {n}" for n in range(1, 7))


async def test_unknown_content_types_do_not_break_the_walk():
    make = ItemFactory(IdSequence(10))
    world = single_course_world(
        make.unknown("Live class", 7), make.unknown("Odd", 0), make.doc("A.pdf", 100)
    )
    async with run_simulator(world) as sim, ClassPlusHttpGateway(settings_for(sim)) as gw:
        _, files = await everything(gw, sim, "tinyorg")
    assert sorted((f.name, f.kind.value, f.downloadable) for f in files) == [
        ("A.pdf", "document", True),
        ("Live class", "unsupported", False),
        ("Odd", "unsupported", False),
    ]
