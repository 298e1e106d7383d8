"""`bench.measure.run_measured`: the peak memory it reports is the command's own, however much
the process that starts it holds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `bench` lives at the repository root
    sys.path.insert(0, str(REPO_ROOT))

from bench.measure import run_measured  # noqa: E402

MIB = 1024 * 1024


def test_a_small_command_started_by_a_big_process_is_reported_small() -> None:
    ballast = bytearray(200 * MIB)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # resident, not just reserved

    measured = run_measured(["/bin/sleep", "0.3"], env=dict(os.environ))

    assert measured.returncode == 0
    assert measured.peak_rss_mb < 50  # was ~200: Linux folds the pre-exec image into ru_maxrss
    del ballast


def test_what_the_command_itself_holds_is_counted() -> None:
    grow = (
        "import time; b = bytearray(120 * 2**20); b[::4096] = b'\\x01' * len(b[::4096]); "
        "time.sleep(0.2)"
    )

    measured = run_measured([sys.executable, "-c", grow], env=dict(os.environ))

    assert measured.returncode == 0
    assert 120 <= measured.peak_rss_mb < 200
