"""A command opens only what it uses: `cpbatch org` needs ClassPlus and nothing else, so a
storage that cannot be opened does not stop it, while a command that stores does fail."""

from __future__ import annotations

import socket

import pytest

from support.cli.harness import Cli

pytestmark = pytest.mark.e2e


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_org_works_while_the_database_is_unreachable(cli: Cli) -> None:
    cli.extra_env["MONGODB_URI"] = f"mongodb://127.0.0.1:{closed_port()}/x"
    cli.extra_env["MONGODB_TIMEOUT"] = "1"

    org = await cli("org", "learnwell")
    sync = await cli("sync", "learnwell", token=cli.sim.token_for("learnwell"))

    assert org.code == 0, org.stderr
    assert "LearnWell" in org.stdout
    assert sync.code == 7  # the storage error, named, for a command that stores
    assert "MongoDB" in sync.stderr


async def test_org_does_not_create_the_data_folder(cli: Cli) -> None:
    result = await cli("org", "learnwell")

    assert result.code == 0, result.stderr
    assert not cli.data_dir.exists()
