"""The ClassPlus adapter against the project's simulator on a real loopback socket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.classplus_kit import settings_for


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with run_simulator() as simulator:
        yield simulator


@pytest.fixture
async def gateway(sim: Simulator) -> AsyncIterator[ClassPlusHttpGateway]:
    async with ClassPlusHttpGateway(settings_for(sim)) as gw:
        yield gw
