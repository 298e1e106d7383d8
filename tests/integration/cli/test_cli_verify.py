"""End to end: `cpbatch verify` finds exactly the blobs damaged in the store (kept by `download`
and the bot), `--repair` removes them and the next download fetches exactly those again; and it
reports the files syncs wrote into folders that were removed or changed since."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pytest

from support.cli.harness import Cli
from support.cli.synced_files import record_key

pytestmark = pytest.mark.e2e


def blob_path(cli: Cli, sha256: str) -> Path:
    return cli.data_dir / "blobs" / sha256[:2] / sha256[2:4] / sha256


async def download(cli: Cli, token: str, entry: dict[str, object]) -> None:
    result = await cli("download", "learnwell", str(entry["file_id"]), token=token)
    assert result.code == 0, result.stderr


async def test_verify_reports_damage_repair_fixes_it_and_a_download_fetches_just_that(
    cli: Cli,
) -> None:
    token = cli.sim.token_for("learnwell")
    manifest = await cli.sim.manifest_async("learnwell")
    shared = Counter(entry["sha256"] for entry in manifest)
    kept = [e for e in manifest if shared[e["sha256"]] == 1 and e["size"] > 0][:3]
    for entry in kept:
        await download(cli, token, entry)
    corrupt, missing, _intact = kept
    corrupt_blob = blob_path(cli, corrupt["sha256"])
    missing_blob = blob_path(cli, missing["sha256"])
    size = corrupt_blob.stat().st_size
    os.chmod(corrupt_blob, 0o644)  # blobs are kept read-only
    corrupt_blob.write_bytes(bytes([corrupt_blob.read_bytes()[0] ^ 0xFF]) + b"\0" * (size - 1))
    missing_blob.unlink()
    orphan = b"stray bytes no record points at"
    orphan_sha = hashlib.sha256(orphan).hexdigest()
    blob_path(cli, orphan_sha).parent.mkdir(parents=True, exist_ok=True)
    blob_path(cli, orphan_sha).write_bytes(orphan)

    found = await cli("verify", "--json")

    assert found.code == 5, found.stderr
    report = found.json()
    assert report["ok"] is False
    assert report["records_checked"] == 3
    assert report["missing"] == [record_key(missing)]
    assert [(c["key"], c["sha256"], c["found_size"]) for c in report["corrupt"]] == [
        (record_key(corrupt), corrupt["sha256"], size)
    ]
    assert report["orphan_blobs"] == [orphan_sha]
    assert report["repaired"] is None
    assert corrupt_blob.exists()
    assert blob_path(cli, orphan_sha).exists()

    human = await cli("verify")
    assert human.code == 5, human.stderr
    assert "3 problems" in human.stdout
    assert "--repair" in human.stdout

    repaired = await cli("verify", "--repair", "--json")

    assert repaired.code == 0, repaired.stderr
    assert repaired.json()["repaired"] == {
        "records_deleted": 2,
        "corrupt_blobs_deleted": 1,
        "orphan_blobs_deleted": 1,
        "failures": [],
    }
    assert not corrupt_blob.exists()
    assert not blob_path(cli, orphan_sha).exists()

    clean = await cli("verify", "--json")

    assert clean.code == 0, clean.stderr
    assert clean.json()["clean"] is True
    assert clean.json()["records_checked"] == 1

    cli.sim.stats.reset()
    for entry in kept:
        await download(cli, token, entry)

    assert cli.sim.stats.file_requests == 2  # the intact one came from the store
    assert blob_path(cli, corrupt["sha256"]).read_bytes() != b"\0" * size
    final = await cli("verify", "--json")
    assert final.code == 0
    assert final.json()["clean"] is True
    assert final.json()["records_checked"] == 3


async def test_verify_reports_synced_files_removed_or_changed_and_sync_puts_back_the_removed(
    cli: Cli,
) -> None:
    token = cli.sim.token_for("learnwell")
    assert (await cli("sync", "learnwell", "--batch", "course:41004", token=token)).code == 0
    first, second = sorted(p for p in cli.downloads.rglob("*") if p.is_file())[:2]
    first.unlink()
    second.write_bytes(b"my notes")

    found = await cli("verify", "--json")

    assert found.code == 0, found.stderr  # a report on the user's own folder, not a failure
    placed = found.json()["placed_files"]
    assert (placed["missing"], placed["changed"]) == ([str(first)], [str(second)])
    human = await cli("verify")
    assert "1 file removed" in human.stdout
    assert "1 file changed" in human.stdout

    cli.sim.stats.reset()
    resync = await cli("sync", "learnwell", "--batch", "course:41004", "--json", token=token)

    assert resync.json()["downloaded_files"] == 1
    assert cli.sim.stats.file_requests == 1
    assert first.exists()
    assert second.read_bytes() == b"my notes"  # left alone


async def test_verify_of_an_empty_store_is_clean(cli: Cli) -> None:
    result = await cli("verify")

    assert result.code == 0, result.stderr
    assert "Consistent" in result.stdout
