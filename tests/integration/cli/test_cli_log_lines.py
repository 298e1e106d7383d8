"""End to end: every log line a `cpbatch` command writes carries the command, and the org and
batch it is about, in JSON and on the console, whichever layer logged it; the token never."""

from __future__ import annotations

import pytest

from cpbatch.entrypoints.simulator import FaultConfig
from support.cli.harness import Cli
from support.log_lines import json_lines

pytestmark = pytest.mark.e2e


async def test_json_lines_of_a_batch_sync_carry_the_command_org_and_batch(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    [broken, *_] = [e for e in await cli.sim.manifest_async("learnwell") if e["size"] > 0]
    batch = f"{broken['batch_source']}:{broken['batch_id']}"
    cli.sim.faults = FaultConfig(fail_always_file_ids=frozenset({broken["file_id"]}))
    cli.extra_env["LOG_FORMAT"] = "json"

    result = await cli(
        "sync", "LearnWell", "--batch", batch.upper(), "--log-level", "DEBUG", token=token
    )

    assert result.code == 5, result.stderr
    lines = json_lines(result.stderr)
    layers = {line["logger"].rsplit(".", 1)[0] for line in lines}
    assert {"cpbatch.adapters.sqlite", "cpbatch.adapters.classplus"} <= layers
    carried = {(line.get("command"), line.get("org"), line.get("batch")) for line in lines}
    assert carried == {("sync", "learnwell", batch)}  # normalised from LearnWell, COURSE:…
    assert token not in result.stderr


async def test_console_lines_of_the_application_layer_carry_the_command_and_fields(
    cli: Cli,
) -> None:
    token = cli.sim.token_for("learnwell")
    entry = (await cli.sim.manifest_async("learnwell"))[0]
    assert (await cli("download", "learnwell", str(entry["file_id"]), token=token)).code == 0
    [blob] = [p for p in (cli.data_dir / "blobs").rglob("*") if p.is_file()][:1]
    blob.unlink()

    result = await cli("verify")

    assert result.code == 5, result.stderr
    [missing] = [line for line in result.stderr.splitlines() if "verify_blob_missing" in line]
    assert "[cpbatch.application.use_cases.verify_store]" in missing
    for field in ("command=verify", f"sha256={blob.name}", "key="):
        assert field in missing
