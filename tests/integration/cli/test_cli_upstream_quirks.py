"""End to end against upstream answers the demo world does not give: names with dots that are
no extension, lock flags spelt every which way, expired purchases, pages capped by the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpbatch.entrypoints.simulator import (
    IdSequence,
    ItemFactory,
    run_simulator,
    single_course_world,
)
from support.cli.harness import Cli

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
