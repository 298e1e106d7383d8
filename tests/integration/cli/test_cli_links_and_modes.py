"""End to end: `cpbatch sync` never writes outside its output folder through a symbolic link,
keeps DATA_DIR private, and leaves the user's own downloads with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from support.cli.harness import Cli

pytestmark = pytest.mark.e2e

BATCH = "Class 11 Morning Batch (batch 73001)"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / f".cpbatch-999999999-{'d' * 32}.part").write_bytes(b"not cpbatch's")
    return folder


async def test_an_org_folder_replaced_by_a_link_between_runs_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    token = cli.sim.token_for("learnwell")
    first = await cli("sync", "learnwell", "--json", token=token)
    assert first.code == 0, first.stderr
    elsewhere = outside(tmp_path)
    org = cli.downloads / "learnwell"
    org.rename(tmp_path / "moved")
    org.symlink_to(elsewhere, target_is_directory=True)

    again = await cli("sync", "learnwell", "--json", "--force", token=token)

    assert again.code == 5, again.stderr
    report = again.json()
    assert report["failed_files"] == report["downloadable_files"] > 0
    assert all(f"{org} is a symbolic link" in f["reason"] for f in report["failures"])
    assert [p.name for p in elsewhere.iterdir()] == [f".cpbatch-999999999-{'d' * 32}.part"]


async def test_a_linked_batch_folder_fails_its_files_and_the_others_are_placed(
    cli: Cli, tmp_path: Path
) -> None:
    elsewhere = outside(tmp_path)
    linked = cli.downloads / "learnwell" / BATCH
    linked.parent.mkdir(parents=True)
    linked.symlink_to(elsewhere, target_is_directory=True)
    manifest = await cli.sim.manifest_async("learnwell")

    result = await cli("sync", "learnwell", "--json", token=cli.sim.token_for("learnwell"))

    assert result.code == 5, result.stderr
    report = result.json()
    assert {f["batch_name"] for f in report["failures"]} == {"Class 11 Morning Batch"}
    assert all("symbolic link" in f["reason"] for f in report["failures"])
    assert report["downloaded_files"] == len(manifest) - report["failed_files"] > 0
    assert len(list(elsewhere.iterdir())) == 1  # the planted file, nothing of ours
    placed = [p for p in cli.downloads.rglob("*") if p.is_file()]
    assert len(placed) == report["downloaded_files"]


async def test_a_new_data_dir_is_private_and_downloads_are_ordinary_files(cli: Cli) -> None:
    previous = os.umask(0o022)
    try:
        result = await cli("sync", "learnwell", token=cli.sim.token_for("learnwell"))
    finally:
        os.umask(previous)
    assert result.code == 0, result.stderr
    assert mode(cli.data_dir) == 0o700
    assert {mode(p) for p in (cli.data_dir / "blobs").rglob("*") if p.is_dir()} == {0o700}
    assert {mode(p) for p in (cli.data_dir / "blobs").rglob("*") if p.is_file()} == {0o400}
    assert {mode(p) for p in cli.downloads.rglob("*") if p.is_file()} == {0o644}
    assert "data_folder_open_to_others" not in result.stderr


async def test_an_existing_data_dir_open_to_others_is_warned_about(cli: Cli) -> None:
    cli.data_dir.mkdir(mode=0o755)
    cli.data_dir.chmod(0o755)
    result = await cli("verify")
    assert result.code == 0, result.stderr
    assert "data_folder_open_to_others" in result.stderr
    assert f"chmod 700 {cli.data_dir}" in result.stderr
    assert mode(cli.data_dir) == 0o755  # the user's folder: told, not changed
