"""`python -m bench --size smoke`: every scenario at a tiny size, so the benchmark cannot rot.

Checks the shape of the results only; timings are never asserted (they are noisy)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[3]
REQUIRED = {
    "S1": {"cpbatch_s", "curl_s", "ratio", "files"},
    "S2": {"cpbatch_s", "curl_s", "ratio", "cpbatch_peak_rss_mb", "bytes"},
    "S3": {"first_s", "resync_s", "ratio", "bytes_fetched"},
    "S4": {
        "memory_p50_ms",
        "memory_p99_ms",
        "fs_p50_ms",
        "fs_p99_ms",
        "upstream_p50_ms",
        "upstream_p99_ms",
    },
    "S5": {"per_file_ms", "peak_rss_mb"},
    "S6": {"files_bytes", "output_allocated", "data_dir_allocated", "ratio"},
    "S7": {"version_s", "python_s", "ratio"},
    "S8": {"flush_s", "os_s", "ratio"},
}


def numbers(value: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every number (and null, which stands for NaN or infinity) in a JSON document."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in numbers(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [pair for n, item in enumerate(value) for pair in numbers(item, f"{where}[{n}]")]
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return [(where, value)]
    return []


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    tmp = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "smoke", "--out", str(tmp / "results")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads((tmp / "results" / "latest.json").read_text())
    markdown = (tmp / "results" / "latest.md").read_text()
    return document, markdown


def test_every_scenario_reports_every_key(results: tuple[dict[str, Any], str]) -> None:
    document, _ = results
    assert {"cores", "memory_gb", "python", "date"} <= set(document["machine"])
    assert set(document["scenarios"]) == set(REQUIRED)
    for name, keys in REQUIRED.items():
        scenario = document["scenarios"][name]
        assert keys <= set(scenario), name
        assert scenario["repetitions"] >= 1, name
        assert scenario["settings"], name
    s5 = document["scenarios"]["S5"]
    sizes = [str(world["files"]) for world in s5["worlds"]]
    assert len(sizes) == 3
    assert list(s5["per_file_ms"]) == sizes
    assert list(s5["peak_rss_mb"]) == sizes


def test_numbers_are_finite_and_non_negative(results: tuple[dict[str, Any], str]) -> None:
    document, _ = results
    found = numbers(document["scenarios"])
    assert found
    bad = [(where, value) for where, value in found if value is None or not math.isfinite(value)]
    # A growth is a difference of two peaks: at smoke sizes it is noise around 0 either way.
    bad += [
        (where, value)
        for where, value in found
        if value is not None and value < 0 and "growth" not in where
    ]
    assert not bad


def test_a_resync_fetches_no_file_content(results: tuple[dict[str, Any], str]) -> None:
    document, _ = results
    s3 = document["scenarios"]["S3"]
    assert s3["bytes_fetched"] == 0
    assert s3["report_total_bytes"] == 0


def test_targets_are_computed_booleans(results: tuple[dict[str, Any], str]) -> None:
    document, markdown = results
    targets = [
        spec for scenario in document["scenarios"].values() for spec in scenario["targets"].values()
    ]
    assert len(targets) == document["targets_total"] >= 9
    assert all(isinstance(spec["met"], bool) for spec in targets)
    assert document["targets_met"] == sum(spec["met"] for spec in targets)
    assert document["scenarios"]["S3"]["targets"]["bytes_fetched"]["met"] is True
    assert "| scenario | measured | target | met |" in markdown
    assert "RATE_LIMIT_REQUESTS=" in markdown
