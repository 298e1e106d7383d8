"""BatchFileAPI from a plain synchronous script: the seed's method names and dict envelope, run
against the simulator started as a separate process (as a user's script would meet ClassPlus)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cpbatch.entrypoints.config import load_settings
from cpbatch.entrypoints.facade import BatchFileAPI
from support.simulator_process import simulator_process


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with simulator_process(tmp_path_factory.mktemp("sim")) as ready:
        yield ready


@pytest.fixture
def api(simulator: dict[str, Any], tmp_path: Path) -> Iterator[BatchFileAPI]:
    settings = load_settings(
        {
            "CLASSPLUS_BASE_URL": simulator["base_url"],
            "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": "500",
            "DATA_DIR": str(tmp_path / "data"),
            "DOWNLOAD_DIR": str(tmp_path / "downloads"),
        },
        env_file=None,
    )
    with BatchFileAPI(token=simulator["tokens"]["learnwell"], settings=settings) as facade:
        yield facade


def test_get_batches_returns_batches_with_their_files(api: BatchFileAPI) -> None:
    result = api.get_batches_by_org_code("LearnWell")

    assert result["success"] is True
    assert result["errors"] == []
    assert result["org_code"] == "learnwell"
    assert result["batch_count"] == len(result["batches"]) > 0
    files = [f for b in result["batches"] for f in b["files"]]
    assert any(f["kind"] == "video" and not f["downloadable"] for f in files)
    assert any(f["downloadable"] for f in files)


def test_download_batch_takes_a_file_id_and_writes_it_to_disk(
    api: BatchFileAPI, tmp_path: Path
) -> None:
    listing = api.get_batches_by_org_code("learnwell")
    file = next(f for b in listing["batches"] for f in b["files"] if f["downloadable"])

    result = api.download_batch(file["file_id"], "learnwell", output_dir=tmp_path / "out")

    assert result["success"] is True, result
    on_disk = Path(result["path"]).read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == result["sha256"]
    assert result["file_data"] == on_disk
    assert Path(result["path"]).is_relative_to(tmp_path / "out")
    again = api.download_batch(file["file_id"], "learnwell", output_dir=tmp_path / "out")
    assert again["source"] in ("memory", "filesystem")


def test_sync_org_batches_reports_in_the_seed_shape(api: BatchFileAPI) -> None:
    first = api.sync_org_batches("learnwell", include=["*.pdf"])
    second = api.sync_org_batches("learnwell", include=["*.pdf"])

    assert first["success"] is True, first["errors"]
    assert first["downloaded_files"] > 0
    assert first["total_bytes"] > 0
    assert second["downloaded_files"] == 0
    assert second["skipped_files"] == first["downloaded_files"]


def test_errors_come_back_as_envelopes_not_exceptions(api: BatchFileAPI) -> None:
    bad_code = api.get_batches_by_org_code("no spaces allowed")
    unknown = api.get_batch_info(999_999_999, "learnwell")
    video = next(
        f
        for b in api.get_batches_by_org_code("learnwell")["batches"]
        for f in b["files"]
        if f["kind"] == "video"
    )
    refused = api.download_batch(video["file_id"], "learnwell")

    assert bad_code["success"] is False
    assert bad_code["errors"][0]["type"] == "ValidationError"
    assert unknown["errors"][0]["type"] == "BatchFileNotFoundError"
    assert refused["errors"][0]["type"] == "NotDownloadableError"


def test_a_missing_token_is_a_clear_error(simulator: dict[str, Any], tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)}, env_file=None)
    with BatchFileAPI(settings=settings) as facade:
        result = facade.get_batches_by_org_code("learnwell")

    assert result["success"] is False
    assert "CLASSPLUS_TOKEN" in result["message"]
