"""The reduced chaos run of `make test` for hostile upstreams and disks: `chaos.slow_bodies`
and `chaos.symlinks` at smoke size (the real CLI against simulator processes). Timings are
reported by the sections, never asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `chaos` and `bench` live at the repository root
    sys.path.insert(0, str(REPO_ROOT))

from chaos import run, slow_bodies, symlinks  # noqa: E402

pytestmark = pytest.mark.e2e


def test_trickling_bodies_end_the_sync_and_fail_alone(tmp_path: Path) -> None:
    figures = slow_bodies.run("smoke", tmp_path)

    assert figures["stuck_timed_out"] is False
    assert figures["stuck_exit_code"] == 5
    assert figures["stuck_failed_as_slow"] == figures["stuck_files"] == slow_bodies.CONCURRENCY
    assert figures["stuck_failed_others"] == 0
    assert figures["stuck_others_stored"] == figures["stuck_others_expected"]
    assert figures["sometimes_trickled"] > 0
    assert figures["sometimes_exit_code"] == 0
    assert figures["sometimes_stored"] == figures["sometimes_expected"]
    assert figures["stuck_leftovers"] == figures["sometimes_leftovers"] == 0
    assert run.build_rows({"slow_bodies": figures})[0].held is True


def test_links_below_the_output_folder_and_the_store_are_never_followed(tmp_path: Path) -> None:
    figures = symlinks.run("smoke", tmp_path)

    assert figures["problems"] == {}
    assert figures["cases_held"] == figures["cases"] == len(symlinks.CASES)
    assert figures["writes_outside"] == 0
    assert figures["planted_kept"] == figures["cases"]
    assert figures["others_stored"] == figures["others_expected"]
    assert run.build_rows({"symlinks": figures})[0].held is True
