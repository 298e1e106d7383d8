"""Integration tests. Having a conftest here puts tests/integration on sys.path, so the suites
share the Mongo support modules (`mongo_server`, `mongo_harness`).

Every test marked `mongo` runs against one server per session (see mongo_server.py), started
on first use; each test gets a database of its own (`mongo`). The password of that server is
masked in every test report, and the run ends with how many Mongo tests ran.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator

import pytest

from cpbatch.adapters.mongo.connection import MASK
from support.mongo.harness import MongoTestDatabase, mongo_test_database
from support.mongo.server import (
    NO_SERVER,
    MongoServer,
    configured_server,
    secantus_python,
    throwaway_secantus,
)

SERVER = pytest.StashKey[MongoServer]()
MONGO_TESTS = pytest.StashKey[set[str]]()


@pytest.fixture(scope="session")
def mongo_server(request: pytest.FixtureRequest) -> Iterator[MongoServer]:
    configured = configured_server()
    if configured is not None:
        request.config.stash[SERVER] = configured
        yield configured
        return
    python = secantus_python(request.config.rootpath)
    if python is None:
        pytest.fail(NO_SERVER, pytrace=False)
    with throwaway_secantus(python) as server:
        request.config.stash[SERVER] = server
        yield server


@pytest.fixture
async def mongo(mongo_server: MongoServer) -> AsyncIterator[MongoTestDatabase]:
    async with mongo_test_database(mongo_server) as harness:
        yield harness


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[MONGO_TESTS] = {i.nodeid for i in items if i.get_closest_marker("mongo")}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    report: pytest.TestReport = yield
    server = item.config.stash.get(SERVER, None)
    if server is not None:
        _mask(report, server.secrets)
    return report


def _mask(report: pytest.TestReport, secrets: tuple[str, ...]) -> None:
    def masked(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = report.longrepr
        report.longrepr = (path, line, masked(reason))
    elif report.longrepr is not None:
        text = str(report.longrepr)
        if masked(text) != text:
            report.longrepr = masked(text)
    report.sections = [(title, masked(content)) for title, content in report.sections]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    mongo_tests = config.stash.get(MONGO_TESTS, set())
    if not mongo_tests:
        return
    outcomes: dict[str, str] = {}
    for outcome in ("passed", "skipped", "failed", "error"):  # the worst phase wins
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "nodeid", None) in mongo_tests:
                outcomes[report.nodeid] = outcome
    counts = Counter(outcomes.values())
    ran = counts["passed"] + counts["failed"] + counts["error"]
    server = config.stash.get(SERVER, None)
    where = server.shown if server is not None else "no server started"
    terminalreporter.write_sep("-", "MongoDB")
    terminalreporter.write_line(
        f"Mongo tests: {ran} ran against {where}: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['error']} errors, {counts['skipped']} skipped "
        f"(of {len(mongo_tests)} collected)"
    )
