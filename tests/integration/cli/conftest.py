"""Fixtures: a simulator on a real loopback socket and a CLI driver pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_harness import Cli

from entrypoints.simulator import Simulator, run_simulator


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with run_simulator() as running:
        yield running


@pytest.fixture
def cli(sim: Simulator, tmp_path: Path) -> Cli:
    return Cli(sim, tmp_path)
