"""The reduced chaos run of `make test`: `chaos.faults` and `chaos.crash` at smoke size.

Both run the real CLI as subprocesses against simulator processes and return figures; these
tests assert the invariants on them. Timings are never asserted (they are noisy)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `chaos` and `bench` live at the repository root
    sys.path.insert(0, str(REPO_ROOT))

from chaos import crash, faults, run  # noqa: E402

pytestmark = pytest.mark.e2e


def test_faulted_upstream_loses_nothing_and_fails_clearly(tmp_path: Path) -> None:
    figures = faults.run("smoke", tmp_path)

    # Faulted sync: every file stored whole, nothing half-written left behind.
    assert figures["faults_injected"] > 0
    assert figures["files_expected"] > 0
    assert figures["files_stored_ok"] == figures["files_expected"]
    assert figures["temp_or_partial_files_left"] == 0
    assert figures["orphan_blobs"] == 0
    assert figures["sync_runs_needed"] <= faults.MAX_SYNC_RUNS

    # Persistent failure: exit 5, exactly that file reported, all the others stored.
    assert figures["exit_code"] == 5
    assert figures["failed_ids_match"] is True
    assert figures["others_stored"] == figures["others_expected"]
    assert figures["failed_file_absent"] is True

    # Malformed upstream: clear errors naming the endpoint, no traceback, nothing half-written.
    assert figures["malformed_baseline_ok"] is True
    assert figures["tracebacks"] == 0
    assert figures["half_written"] == 0
    assert figures["cases"] == len(faults.ENDPOINTS) * len(faults.KINDS)
    assert figures["cases_clear"] == figures["cases"]


def test_kill_nine_loses_nothing_and_refetches_nothing_committed(tmp_path: Path) -> None:
    figures = crash.run("smoke", tmp_path)

    assert figures["trials"] == crash.TRIALS["smoke"]
    assert figures["trials_killed"] >= 1
    assert figures["kills_during_large_transfer"] >= 1
    assert figures["kills_during_metadata_writes"] >= 1
    assert figures["trials_recovered"] == figures["trials"]
    assert figures["redownloaded_committed_files"] == 0
    assert figures["files_lost_or_corrupted"] == 0
    assert figures["verify_clean"] == figures["trials"]
    # The large file's partial was there at a kill, and the re-sync continued from it.
    assert figures["killed_files"] >= 1
    assert figures["max_refetched_per_killed_file"] <= run.READ_BUFFER
    assert figures["verify_available"] is True
    assert figures["repair_detected"] is True
    assert figures["repair_left_alone"] is True
    assert figures["repair_resync_downloads"] == 1
    assert figures["repair_restored"] is True
