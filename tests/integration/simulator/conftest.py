"""Fixtures for the simulator's own tests: a demo-world simulator and a small API client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from cpbatch.entrypoints.simulator import Simulator, run_simulator
from support.simulator_api import Api


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with run_simulator() as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def api(http: aiohttp.ClientSession, sim: Simulator) -> Api:
    return Api(http, sim)


@pytest.fixture
def api_for(http: aiohttp.ClientSession) -> Callable[[Simulator, str], Api]:
    """An `Api` for another simulator, logged in as the first user of `org_code`."""
    return lambda sim, org_code: Api(http, sim, org_code)
