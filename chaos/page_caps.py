"""Chaos: pages capped below the `limit` asked. The real `cpbatch batches` and `sync`.

Real servers answer fewer items a page than the `limit` a client asks for, so a short page is
not the last one. Each run serves one generated world (full: 30 courses, 900 files, folders of
25; smoke: 8 courses, 64 files, folders of 6) with its page cap (`--page-cap`: full 1, 7 and
20 items a page, smoke 3 and 20) and once with no cap, for reference; every run lists the
courses and syncs everything into a fresh output folder and DATA_DIR.

    batches_expected / files_expected   the world's courses and files
    runs                  one per cap ("none": the reference), each with
        page_cap          items a page at most (None: no cap)
        batches_listed    courses `cpbatch batches --json` listed
        files_listed      files the sync found (`total_files`)
        files_stored      files stored and placed right (hashes checked)
        batches_exit_code / sync_exit_code
        api_requests      listing requests the simulator served (courses and folder pages)
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from chaos.processes import (
    ORG_CODE,
    ChaosSimulator,
    FaultSpec,
    WorldSpec,
    cpbatch_env,
    json_report,
    run_cli,
)
from chaos.store_check import check_store

SEED = 20_241_012
WORLDS = {
    "full": WorldSpec(
        files=900,
        min_size=500,
        max_size=4_000,
        folder_depth=1,
        per_folder=25,
        courses=30,
        seed=SEED,
    ),
    "smoke": WorldSpec(
        files=64, min_size=500, max_size=2_000, folder_depth=1, per_folder=6, courses=8, seed=SEED
    ),
}
CAPS = {"full": (1, 7, 20), "smoke": (3, 20)}
LISTING_ROUTES = ("courses", "course_content", "batches", "folder", "folder_sub")
SYNC_LIMIT_S = 600.0


def run(size: str, workdir: Path) -> dict[str, object]:
    world = WORLDS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-pages-", dir=workdir))
    try:
        with ChaosSimulator(world, scratch, FaultSpec(page_cap=0)) as sim:
            manifest = sim.hashed_manifest()
        runs = [_capped(world, scratch, manifest, cap) for cap in (*CAPS[size], None)]
        return {
            "batches_expected": world.courses,
            "files_expected": len(manifest),
            "runs": runs,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _capped(
    world: WorldSpec, scratch: Path, manifest: list[dict[str, Any]], cap: int | None
) -> dict[str, object]:
    work = scratch / f"cap-{cap or 'none'}"
    output, data = work / "out", work / "data"
    with ChaosSimulator(world, scratch, FaultSpec(page_cap=cap or 0)) as sim:
        env = cpbatch_env(sim, data)
        listed = run_cli(["batches", ORG_CODE, "--json"], env, cwd=scratch)
        synced = run_cli(
            ["sync", ORG_CODE, "-o", str(output), "--json"],
            env,
            cwd=scratch,
            timeout_s=SYNC_LIMIT_S,
        )
        requests = sim.stats()["requests"]
    check = check_store(manifest, output, data)
    return {
        "page_cap": cap,
        "batches_listed": len(json_report(listed).get("batches") or []),
        "batches_exit_code": listed.returncode,
        "files_listed": int(json_report(synced).get("total_files") or 0),
        "files_stored": check.ok,
        "sync_exit_code": synced.returncode,
        "sync_timed_out": synced.timed_out,
        "api_requests": sum(int(requests.get(route, 0)) for route in LISTING_ROUTES),
    }
