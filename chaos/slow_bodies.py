"""Chaos: slow bodies. The real `cpbatch` CLI against a simulator whose file bodies trickle.

A trickling body sends part of the file, then one byte every TRICKLE_S seconds: just inside
READ_TIMEOUT, so no read ever times out. `run(size, workdir)` runs three syncs of a generated
world (full: 80 files of 10-800 KB; smoke: 24 files of 10-200 KB) and returns their figures:

1. Stuck: as many files as the sync's concurrency trickle on every request, with the speed
   floor (MIN_SPEED=20K over MIN_SPEED_TIME=2 s, MAX_RETRIES=1). The sync must end, exit 5 with
   exactly those files failed as "too slow", every other file stored and placed, and nothing
   left half-written.

    stuck_files                files that always trickle (= the sync's concurrency)
    stuck_exit_code            of `cpbatch sync` (must be 5)
    stuck_failed_as_slow       of those files, how many the report fails as too slow
    stuck_failed_others        other files failed (must be 0)
    stuck_others_stored        the other files, stored and placed right (hashes checked)
    stuck_others_expected      how many other files there are
    stuck_leftovers            temp files and partial copies after the run (must be 0)
    stuck_sync_s               wall time of that sync
    stuck_cut_offs             slow transfers cut off (cpbatch's `classplus_resume` log lines
                               with a "too slow" reason, plus the final failures)

2. Without the floor (MIN_SPEED=0), the same sync, stopped after NO_FLOOR_LIMIT_S: the stall
   the floor prevents. `no_floor_still_running` is true when it had not ended by then.

3. Now and then: 10 % of file requests trickle (MAX_RETRIES=10). Every file must be stored:
   the slow transfers are cut off and resumed with Range.

    sometimes_trickled         file requests that trickled
    sometimes_resumed_slow     transfers resumed after being cut off as too slow
    sometimes_stored           files stored and placed right
    sometimes_expected         files in the manifest
    sometimes_exit_code        of `cpbatch sync` (must be 0)
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import Measurement
from chaos.processes import (
    ORG_CODE,
    ChaosSimulator,
    FaultSpec,
    WorldSpec,
    cpbatch_env,
    json_report,
    log_events,
    run_cli,
)
from chaos.store_check import check_store

SEED = 20_240_808
WORLDS = {
    "full": WorldSpec(
        files=80, min_size=10_000, max_size=800_000, folder_depth=1, per_folder=20, seed=SEED
    ),
    "smoke": WorldSpec(
        files=24, min_size=10_000, max_size=200_000, folder_depth=1, per_folder=8, seed=SEED
    ),
}
CONCURRENCY = 8
TRICKLE_S = 0.9
FLOOR = {
    "READ_TIMEOUT": "1",
    "MIN_SPEED": "20K",
    "MIN_SPEED_TIME": "2",
    "RETRY_BACKOFF_FACTOR": "0.05",
    "RETRY_MAX_WAIT": "0.5",
}
NO_FLOOR_LIMIT_S = {"full": 60.0, "smoke": 10.0}
SYNC_LIMIT_S = 300.0
SLOW = "too slow"


def run(size: str, workdir: Path) -> dict[str, object]:
    world = WORLDS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-slow-", dir=workdir))
    try:
        with ChaosSimulator(world, scratch) as sim:
            manifest = sim.hashed_manifest()
        # The smallest files trickle: each would take hours at a byte a second.
        smallest = sorted(manifest, key=lambda e: int(e["size"]))[:CONCURRENCY]
        stuck = sorted(int(e["file_id"]) for e in smallest)
        figures: dict[str, object] = {"stuck_files": len(stuck)}
        figures |= _stuck(world, scratch, manifest, stuck)
        figures |= _no_floor(world, scratch, stuck, NO_FLOOR_LIMIT_S[size])
        figures |= _sometimes(world, scratch, manifest)
        return figures
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _sync(output: Path) -> list[str]:
    return ["sync", ORG_CODE, "-o", str(output), "--concurrency", str(CONCURRENCY), "--json"]


def _slow_cut_offs(measured: Measurement) -> int:
    return sum(
        1
        for e in log_events(measured.stderr)
        if e.get("event") == "classplus_resume" and SLOW in str(e.get("reason"))
    )


def _stuck(
    world: WorldSpec, scratch: Path, manifest: list[dict[str, Any]], stuck: list[int]
) -> dict[str, object]:
    work = scratch / "stuck"
    output, data = work / "out", work / "data"
    faults = FaultSpec(trickle_file_ids=tuple(stuck), trickle_s=TRICKLE_S)
    with ChaosSimulator(world, scratch, faults) as sim:
        env = cpbatch_env(sim, data, FLOOR | {"MAX_RETRIES": "1"})
        started = time.perf_counter()
        measured = run_cli(_sync(output), env, cwd=scratch, timeout_s=SYNC_LIMIT_S)
        elapsed = time.perf_counter() - started
    failures = json_report(measured).get("failures") or []
    slow = {int(f["file_id"]) for f in failures if SLOW in str(f.get("reason"))}
    check = check_store(manifest, output, data, skip_ids=stuck)
    return {
        "stuck_exit_code": measured.returncode,
        "stuck_timed_out": measured.timed_out,
        "stuck_failed_as_slow": len(slow & set(stuck)),
        "stuck_failed_others": len({int(f["file_id"]) for f in failures} - set(stuck)),
        "stuck_others_stored": check.ok,
        "stuck_others_expected": check.expected,
        "stuck_leftovers": check.temp_files + check.partial_exports,
        "stuck_sync_s": round(elapsed, 2),
        "stuck_cut_offs": _slow_cut_offs(measured) + len(slow),
    }


def _no_floor(
    world: WorldSpec, scratch: Path, stuck: list[int], limit_s: float
) -> dict[str, object]:
    work = scratch / "no-floor"
    faults = FaultSpec(trickle_file_ids=tuple(stuck), trickle_s=TRICKLE_S)
    with ChaosSimulator(world, scratch, faults) as sim:
        env = cpbatch_env(sim, work / "data", FLOOR | {"MIN_SPEED": "0", "MAX_RETRIES": "1"})
        measured = run_cli(_sync(work / "out"), env, cwd=scratch, timeout_s=limit_s)
    return {"no_floor_limit_s": limit_s, "no_floor_still_running": measured.timed_out}


def _sometimes(
    world: WorldSpec, scratch: Path, manifest: list[dict[str, Any]]
) -> dict[str, object]:
    work = scratch / "sometimes"
    output, data = work / "out", work / "data"
    faults = FaultSpec(rate_trickle=0.1, trickle_s=TRICKLE_S, scope="files", seed=SEED)
    with ChaosSimulator(world, scratch, faults) as sim:
        env = cpbatch_env(sim, data, FLOOR | {"MAX_RETRIES": "10"})
        measured = run_cli(_sync(output), env, cwd=scratch, timeout_s=SYNC_LIMIT_S)
        trickled = int(sim.counts()["faults"].get("trickle", 0))
    check = check_store(manifest, output, data)
    return {
        "sometimes_trickled": trickled,
        "sometimes_resumed_slow": _slow_cut_offs(measured),
        "sometimes_stored": check.ok,
        "sometimes_expected": check.expected,
        "sometimes_exit_code": measured.returncode,
        "sometimes_leftovers": check.temp_files + check.partial_exports,
    }
