"""Fixtures: a simulator on a real loopback socket and a CLI driver pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.cli.harness import Cli
from support.mongo.harness import MongoTestDatabase


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with run_simulator() as running:
        yield running


@pytest.fixture
def cli(sim: Simulator, tmp_path: Path) -> Cli:
    return Cli(sim, tmp_path)


@pytest.fixture
def mongo_cli(cli: Cli, mongo: MongoTestDatabase) -> Cli:
    """The CLI with MongoDB storage (GridFS, and a filesystem cache under DATA_DIR), in the
    test's own database."""
    cli.extra_env.update(MONGODB_URI=mongo.uri, DATABASE_NAME=mongo.name)
    return cli
