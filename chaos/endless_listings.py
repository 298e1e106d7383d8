"""Chaos: listings that never end. The real `cpbatch sync` against a simulator whose listing
always answers a full page of new ids.

One generated world (full: 4 courses, 200 files; smoke: 3 courses, 30 files) is synced as it
is (the reference; again with pages of one item, for that case) and once per case, each into a
fresh output folder and DATA_DIR:

    folder pages      every folder page of course 2 is full of new documents
    sub-folders       every folder of course 3 holds 50 new sub-folders, for ever
    one item a page   as "folder pages", with every page capped at 1 item
    course list       the org's list of courses never ends

A batch case holds when the sync ends with exit 5, that course alone failed (naming the
setting whose cap stopped it) and every other file is stored; the course-list case when the
sync ends with exit 6 naming MAX_LISTING_ITEMS, nothing written. In every case the endless
listing made at most MAX_LISTING_PAGES requests and the peak RSS stayed within
RSS_MARGIN_MB of the reference sync's. Caps: the documented defaults (full), smaller (smoke).

    caps                  MAX_LISTING_* as set (empty: the defaults)
    reference             {"exit_code", "peak_rss_mb", "wall_s"} of the plain sync
    cases                 per case: exit_code, failed_batches, setting (the cap expected),
                          named (a message names it),
                          endless_requests (to the endless listing's route, beyond the
                          reference's), peak_rss_mb, wall_s, written (files placed when
                          the course list never ends), others_stored, others_expected, held,
                          problems
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
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

SEED = 20_241_013
WORLDS = {
    "full": WorldSpec(
        files=200, min_size=500, max_size=4_000, folder_depth=1, per_folder=25, courses=4, seed=SEED
    ),
    "smoke": WorldSpec(
        files=30, min_size=500, max_size=2_000, folder_depth=1, per_folder=5, courses=3, seed=SEED
    ),
}
CAPS: dict[str, dict[str, str]] = {
    "full": {},  # the documented defaults: 10,000 pages, 50,000 items, 2,000 folders
    "smoke": {
        "MAX_LISTING_PAGES": "400",
        "MAX_LISTING_ITEMS": "3000",
        "MAX_LISTING_FOLDERS": "150",
    },
}
DEFAULT_MAX_PAGES = 10_000
FIRST_COURSE = 51001  # generated worlds number their courses from here
LISTING_ROUTES = ("courses", "course_content")
RSS_MARGIN_MB = 150.0
SYNC_LIMIT_S = 600.0


@dataclass(frozen=True)
class Case:
    name: str
    faults: FaultSpec
    setting: str  # the cap that must stop it
    endless_course: int | None = None  # None: the course list itself
    exit_code: int = 5


CASES = (
    Case("folder pages", FaultSpec(endless_page_ids=(FIRST_COURSE + 1,)), "MAX_LISTING_ITEMS",
         FIRST_COURSE + 1),
    Case("sub-folders", FaultSpec(endless_folder_ids=(FIRST_COURSE + 2,)), "MAX_LISTING_FOLDERS",
         FIRST_COURSE + 2),
    Case("one item a page", FaultSpec(page_cap=1, endless_page_ids=(FIRST_COURSE + 1,)),
         "MAX_LISTING_PAGES", FIRST_COURSE + 1),
    Case("course list", FaultSpec(endless_lists=("courses",)), "MAX_LISTING_ITEMS", None, 6),
)  # fmt: skip


def run(size: str, workdir: Path) -> dict[str, object]:
    world, caps = WORLDS[size], CAPS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-endless-", dir=workdir))
    try:
        with ChaosSimulator(world, scratch) as sim:
            manifest = sim.hashed_manifest()
        references = {
            cap: _sync(world, scratch, FaultSpec(page_cap=cap), caps) for cap in (None, 1)
        }
        max_pages = int(caps.get("MAX_LISTING_PAGES", DEFAULT_MAX_PAGES))
        cases = [
            _case(world, scratch, manifest, case, caps, references, max_pages) for case in CASES
        ]
        plain = references[None]
        return {
            "caps": caps,
            "reference": {k: plain[k] for k in ("exit_code", "peak_rss_mb", "wall_s")},
            "cases": cases,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _sync(
    world: WorldSpec, scratch: Path, faults: FaultSpec, caps: dict[str, str]
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sync-", dir=scratch))
    output, data = work / "out", work / "data"
    with ChaosSimulator(world, scratch, faults) as sim:
        env = cpbatch_env(sim, data, caps)
        args = ["sync", ORG_CODE, "-o", str(output), "--json"]
        measured = run_cli(args, env, cwd=scratch, timeout_s=SYNC_LIMIT_S)
        requests = sim.stats()["requests"]
    return {
        "exit_code": measured.returncode,
        "timed_out": measured.timed_out,
        "report": json_report(measured),
        "requests": {route: int(requests.get(route, 0)) for route in LISTING_ROUTES},
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "wall_s": round(measured.wall_s, 2),
        "output": output,
        "data": data,
    }


def _case(
    world: WorldSpec,
    scratch: Path,
    manifest: list[dict[str, Any]],
    case: Case,
    caps: dict[str, str],
    references: dict[int | None, dict[str, Any]],
    max_pages: int,
) -> dict[str, object]:
    synced = _sync(world, scratch, case.faults, caps)
    reference = references[case.faults.page_cap]
    report = synced["report"]
    failed = [int(f["batch_id"]) for f in report.get("batch_failures") or []]
    reasons = [str(f.get("reason")) for f in report.get("batch_failures") or []]
    reasons += [str(e.get("message")) for e in report.get("errors") or []]
    endless = case.endless_course
    below = {int(e["file_id"]) for e in manifest if endless is None or e["batch_id"] == endless}
    check = check_store(manifest, synced["output"], synced["data"], skip_ids=below)
    written = [p for p in synced["output"].rglob("*") if p.is_file()] if endless is None else []
    route = "courses" if endless is None else "course_content"
    extra = synced["requests"][route] - reference["requests"][route]
    problems: list[str] = []
    if synced["timed_out"]:
        problems.append(f"still running after {SYNC_LIMIT_S:.0f} s")
    if synced["exit_code"] != case.exit_code:
        problems.append(f"exit {synced['exit_code']}")
    if endless is not None and failed != [endless]:
        problems.append(f"failed batches {failed}")
    named = any(case.setting in reason for reason in reasons)
    if not named:
        problems.append(f"no message names {case.setting}")
    if check.ok != check.expected or written:
        problems.append(f"others stored {check.ok}/{check.expected}, written {len(written)}")
    if extra > max_pages:
        problems.append(f"{extra} requests past the cap of {max_pages} pages")
    if synced["peak_rss_mb"] > reference["peak_rss_mb"] + RSS_MARGIN_MB:
        problems.append(f"peak RSS {synced['peak_rss_mb']} MiB")
    return {
        "case": case.name,
        "exit_code": synced["exit_code"],
        "failed_batches": failed,
        "setting": case.setting,
        "named": named,
        "endless_requests": extra,
        "peak_rss_mb": synced["peak_rss_mb"],
        "wall_s": synced["wall_s"],
        "others_stored": check.ok,
        "others_expected": check.expected,
        "written": len(written),
        "held": not problems,
        "problems": problems,
    }
