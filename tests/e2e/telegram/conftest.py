"""The real bot over a real MTProto server (piltover), driven as a person would.

`make e2e-telegram` runs these steps in `.venv-e2e` (kurigram 2.2.6); anywhere else, or
without a piltover build, every step is skipped with the reason and how to get one. The
environment is brought up once for all steps (session scope, one event loop) and its phases
are timed into the result table printed at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from support.telegram_e2e.paths import Locations
from support.telegram_e2e.results import PLUGIN_NAME, ResultTable

if TYPE_CHECKING:
    from support.telegram_e2e.environment import TelegramE2E


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(ResultTable(), PLUGIN_NAME)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def e2e(request: pytest.FixtureRequest) -> AsyncIterator[TelegramE2E]:
    where = Locations.from_environment()
    missing = where.missing()
    if missing:
        pytest.skip("Telegram end-to-end: " + "; ".join(missing))
    # Imported only now: they load pyrogram and the kit's patch, which only this run needs.
    from support.telegram_e2e.environment import running_environment

    table = request.config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(table, ResultTable)
    async with running_environment(where, table) as environment:
        yield environment
