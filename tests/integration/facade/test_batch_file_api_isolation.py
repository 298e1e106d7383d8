"""BatchFileAPI against a ClassPlus where one course never stops listing, one purchase has
expired and one file always fails: each batch stands alone, and every `type` in an envelope is
an error class name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cpbatch.entrypoints.config import load_settings
from cpbatch.entrypoints.facade import BatchFileAPI
from support.simulator_process import manifest, simulator_process

ENDLESS, EXPIRED = 41001, 41002  # Physics lists for ever; Chemistry's purchase has expired
REASON = "not downloadable: access expired on 2024-07-01"


def failing_file() -> dict[str, Any]:
    entries = manifest("--world", "demo")
    return next(e for e in entries if e["org_code"] == "learnwell" and e["batch_id"] == 41003)


@pytest.fixture(scope="module")
def broken() -> dict[str, Any]:
    return failing_file()


@pytest.fixture(scope="module")
def simulator(
    tmp_path_factory: pytest.TempPathFactory, broken: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    flags = ["--endless-pages", str(ENDLESS), "--expire-course", str(EXPIRED)]
    flags += ["--fail-file-id", str(broken["file_id"])]
    with simulator_process(tmp_path_factory.mktemp("sim"), *flags) as ready:
        yield ready


@pytest.fixture
def api(simulator: dict[str, Any], tmp_path: Path) -> Iterator[BatchFileAPI]:
    settings = load_settings(
        {
            "CLASSPLUS_BASE_URL": simulator["base_url"],
            "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": "1000",
            "RETRY_BACKOFF_FACTOR": "0.01",
            "MAX_RETRIES": "1",
            "MAX_LISTING_ITEMS": "300",
            "DATA_DIR": str(tmp_path / "data"),
            "DOWNLOAD_DIR": str(tmp_path / "downloads"),
        },
        env_file=None,
    )
    with BatchFileAPI(token=simulator["tokens"]["learnwell"], settings=settings) as facade:
        yield facade


def test_a_batch_that_cannot_be_listed_does_not_hide_the_others(api: BatchFileAPI) -> None:
    result = api.get_batches_by_org_code("learnwell")

    assert result["success"] is False
    by_id = {b["batch_id"]: b for b in result["batches"]}
    assert result["batch_count"] == len(by_id) > 3
    endless = by_id[ENDLESS]
    assert endless["files"] == []
    assert endless["error"]["type"] == "ListingTooLargeError"
    assert "MAX_LISTING_ITEMS" in endless["error"]["message"]
    assert [e["type"] for e in result["errors"]] == ["ListingTooLargeError"]
    assert result["errors"][0]["message"].startswith(f"batch {endless['batch_name']}: ")
    listed = [b for b in result["batches"] if b["batch_id"] not in (ENDLESS, EXPIRED)]
    assert all(b["files"] and "error" not in b for b in listed if b["source"] == "course")


def test_an_expired_course_is_listed_with_its_reason_and_no_files(api: BatchFileAPI) -> None:
    result = api.get_batches_by_org_code("learnwell")

    expired = next(b for b in result["batches"] if b["batch_id"] == EXPIRED)
    assert expired["downloadable"] is False
    assert expired["not_downloadable_reason"] == REASON
    assert expired["files"] == []
    assert "error" not in expired


def test_every_error_type_is_a_class_name(api: BatchFileAPI, broken: dict[str, Any]) -> None:
    report = api.sync_org_batches("learnwell")

    assert report["success"] is False
    types = {error["type"] for error in report["errors"]}
    assert types == {"ListingTooLargeError", "DownloadFailedError"}
    assert [f["type"] for f in report["failures"]] == ["DownloadFailedError"]
    assert [f["file_id"] for f in report["failures"]] == [broken["file_id"]]
    assert [f["type"] for f in report["batch_failures"]] == ["ListingTooLargeError"]
    assert report["skipped_batches"] == [
        {"batch_id": EXPIRED, "batch_name": "Chemistry Crash Course", "reason": REASON}
    ]
    info = api.get_batch_info(999_999_999, "learnwell")
    assert info["errors"][0]["type"] == "BatchFileNotFoundError"
