"""End to end: `cpbatch sync` stores exactly what the user may download, byte for byte, and a
second run moves no file bytes at all."""

from __future__ import annotations

from collections import Counter

import pytest

from cpbatch.entrypoints.simulator import FaultConfig
from support.cli.harness import Cli
from support.cli.synced_files import hashes_on_disk

pytestmark = pytest.mark.e2e


async def test_sync_stores_every_entitled_file_and_resync_fetches_nothing(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    manifest = await cli.sim.manifest_async("learnwell")

    first = await cli("sync", "learnwell", "--json", "--concurrency", "6", token=token)

    assert first.code == 0, first.stderr
    report = first.json()
    assert report["downloaded_files"] == len(manifest)
    assert report["failed_files"] == 0
    assert report["not_downloadable_files"] > 0  # videos, tests, locked, unknown items
    assert hashes_on_disk(cli.downloads) == Counter(entry["sha256"] for entry in manifest)
    for path in cli.downloads.rglob("*"):
        assert path.resolve().is_relative_to(cli.downloads.resolve())
        assert len(path.name.encode()) <= 255

    cli.sim.stats.reset()
    second = await cli("sync", "learnwell", "--json", token=token)

    assert second.code == 0, second.stderr
    again = second.json()
    assert again["downloaded_files"] == 0
    assert again["skipped_files"] == len(manifest)
    assert cli.sim.stats.file_bytes_sent == 0
    assert cli.sim.stats.file_requests == 0
    assert hashes_on_disk(cli.downloads) == Counter(entry["sha256"] for entry in manifest)


async def test_a_persistently_failing_file_fails_alone_with_partial_exit_code(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    manifest = await cli.sim.manifest_async("learnwell")
    broken = manifest[0]["file_id"]
    cli.sim.faults = FaultConfig(fail_always_file_ids=frozenset({broken}))

    result = await cli("sync", "learnwell", "--json", token=token)

    assert result.code == 5, result.stderr
    report = result.json()
    assert [f["file_id"] for f in report["failures"]] == [broken]
    assert report["downloaded_files"] == len(manifest) - 1


async def test_dry_run_and_include_download_nothing_or_only_matches(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")

    dry = await cli("sync", "learnwell", "--dry-run", "--json", token=token)
    assert dry.code == 0, dry.stderr
    assert dry.json()["planned_files"] > 0
    assert cli.sim.stats.file_requests == 0
    assert not cli.downloads.exists() or not any(cli.downloads.rglob("*.pdf"))

    only_png = await cli("sync", "learnwell", "--include", "*.png", "--json", token=token)
    assert only_png.code == 0, only_png.stderr
    names = [p.name for p in cli.downloads.rglob("*") if p.is_file()]
    assert names
    assert all(name.lower().endswith(".png") for name in names)


async def test_the_report_counts_retried_requests(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    cli.sim.faults = FaultConfig(rate_5xx=0.2, scope="files", seed=3)
    cli.extra_env["MAX_RETRIES"] = "10"

    result = await cli("sync", "learnwell", "--json", token=token)

    assert result.code == 0, result.stderr
    server_errors = sum(n for status, n in cli.sim.stats.statuses.items() if status >= 500)
    assert server_errors > 0
    assert result.json()["retries"] == server_errors
