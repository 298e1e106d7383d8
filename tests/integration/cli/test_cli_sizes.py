"""The CLI shows sizes as the bot does: binary multiples labelled KiB, MiB, GiB."""

from __future__ import annotations

import pytest

from support.cli.harness import Cli

pytestmark = pytest.mark.e2e


async def test_a_download_shows_its_size_in_binary_units(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    [entry] = [
        e for e in await cli.sim.manifest_async("learnwell") if e["name"] == "Course syllabus.pdf"
    ]
    assert entry["size"] == 60_000

    result = await cli("download", "learnwell", str(entry["file_id"]), token=token)

    assert result.code == 0, result.stderr
    assert "Course syllabus.pdf (58.6 KiB, from upstream)" in result.stdout
