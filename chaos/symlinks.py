"""Chaos: symbolic links below the output folder and the store. The real `cpbatch sync`.

Each case puts a link to an outside folder where cpbatch expects a folder of its own, either
before the first sync or in place of a real folder between two syncs (as a person or another
program sharing the machine could), plants a crash leftover (`.cpbatch-<dead pid>-….part`) in
the outside folder, and syncs. Cases: below the output folder, the org folder, a batch folder
and a sub-folder (each replaced between runs) and the org folder linked from the start; inside
DATA_DIR, a blob fan-out folder and the temp folder `blobs/tmp`, linked from the start.

A case holds when the sync exits 5 with exactly the files below the link failed, each failure
naming the link; nothing new appears in the outside folder and the planted file is still there
(the leftover sweeps did not follow the link); every other file is stored and placed right.

    cases                      cases run
    cases_held                 cases where all of the above held
    refused_clearly            cases whose failures all name the link as a symbolic link
    writes_outside             entries created in the outside folders, all cases (must be 0)
    planted_kept               cases whose planted leftover survived
    files_refused              files failed because of a link, all cases
    others_stored              other files stored and placed right, all cases
    others_expected            how many other files there were
    problems                   what went wrong, per case
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaos.processes import ORG_CODE, ChaosSimulator, WorldSpec, cpbatch_env, json_report, run_cli
from chaos.store_check import check_store

SEED = 20_240_909
WORLDS = {
    "full": WorldSpec(
        files=90,
        min_size=5_000,
        max_size=300_000,
        folder_depth=2,
        per_folder=8,
        courses=3,
        seed=SEED,
    ),
    "smoke": WorldSpec(
        files=24,
        min_size=5_000,
        max_size=60_000,
        folder_depth=2,
        per_folder=5,
        courses=2,
        seed=SEED,
    ),
}
PLANTED = f".cpbatch-999999999-{'d' * 32}.part"
LINKED = "symbolic link"

Manifest = list[dict[str, Any]]


@dataclass
class Case:
    """Where the link goes (a path relative to the case's folder), and which files it hides."""

    name: str
    between_runs: bool
    link: Callable[[Path, Path, Manifest], tuple[Path, set[int]]]


def _org(out: Path, _: Path, manifest: Manifest) -> tuple[Path, set[int]]:
    return out / ORG_CODE, {int(e["file_id"]) for e in manifest}


def _batch(out: Path, _: Path, manifest: Manifest) -> tuple[Path, set[int]]:
    batch = sorted(p for p in (out / ORG_CODE).iterdir() if p.is_dir())[0]
    below = {int(e["file_id"]) for e in manifest if batch.name.endswith(f"({e['batch_id']})")}
    return batch, below


def _sub_folder(out: Path, _: Path, manifest: Manifest) -> tuple[Path, set[int]]:
    batch = sorted(p for p in (out / ORG_CODE).iterdir() if p.is_dir())[0]
    folder = sorted(p for p in batch.iterdir() if p.is_dir())[0]
    below = {
        int(e["file_id"])
        for e in manifest
        if batch.name.endswith(f"({e['batch_id']})") and e["folder_path"][:1] == [folder.name]
    }
    return folder, below


def _fan_out(_: Path, data: Path, manifest: Manifest) -> tuple[Path, set[int]]:
    prefix = str(manifest[0]["sha256"])[:2]
    return data / "blobs" / prefix, {
        int(e["file_id"]) for e in manifest if str(e["sha256"]).startswith(prefix)
    }


def _temp(_: Path, data: Path, manifest: Manifest) -> tuple[Path, set[int]]:
    return data / "blobs" / "tmp", {int(e["file_id"]) for e in manifest}


CASES = (
    Case("org folder, linked from the start", False, _org),
    Case("org folder, replaced between runs", True, _org),
    Case("batch folder, replaced between runs", True, _batch),
    Case("sub-folder, replaced between runs", True, _sub_folder),
    Case("blob fan-out folder in DATA_DIR", False, _fan_out),
    Case("DATA_DIR/blobs/tmp", False, _temp),
)


def run(size: str, workdir: Path) -> dict[str, object]:
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-links-", dir=workdir))
    try:
        with ChaosSimulator(WORLDS[size], scratch) as sim:
            manifest = sim.hashed_manifest()
            results = [
                _case(sim, case, manifest, scratch / f"case-{number}")
                for number, case in enumerate(CASES)
            ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "cases": len(results),
        "cases_held": sum(1 for r in results if not r["problems"]),
        "refused_clearly": sum(1 for r in results if r["refused_clearly"]),
        "writes_outside": sum(int(r["writes_outside"]) for r in results),
        "planted_kept": sum(1 for r in results if r["planted_kept"]),
        "files_refused": sum(int(r["files_refused"]) for r in results),
        "others_stored": sum(int(r["others_stored"]) for r in results),
        "others_expected": sum(int(r["others_expected"]) for r in results),
        "problems": {r["case"]: r["problems"] for r in results if r["problems"]},
    }


def _case(sim: ChaosSimulator, case: Case, manifest: Manifest, work: Path) -> dict[str, Any]:
    out, data, outside = work / "out", work / "data", work / "outside"
    outside.mkdir(parents=True)
    (outside / PLANTED).write_bytes(b"not cpbatch's to delete")
    env = cpbatch_env(sim, data)
    args = ["sync", ORG_CODE, "-o", str(out), "--json"]
    problems: list[str] = []
    if case.between_runs:
        first = run_cli(args, env, cwd=work)
        if first.returncode != 0:
            problems.append(f"first sync exited {first.returncode}")
    else:
        (data / "blobs").mkdir(parents=True)
        (out / ORG_CODE).parent.mkdir(parents=True, exist_ok=True)
    link, below = case.link(out, data, manifest)
    if link.exists():
        link.rename(work / "moved-away")
    link.symlink_to(outside, target_is_directory=True)
    measured = run_cli(args, env, cwd=work)
    failures = json_report(measured).get("failures") or []
    failed = {int(f["file_id"]) for f in failures}
    clear = bool(failures) and all(f"{link} is a {LINKED}" in str(f["reason"]) for f in failures)
    if measured.returncode != 5:
        problems.append(f"exit {measured.returncode}")
    if failed != below:
        problems.append(f"{len(failed)} files failed, {len(below)} below the link")
    if not clear:
        problems.append("a failure does not name the link")
    written = sorted(p.name for p in outside.rglob("*") if p.name != PLANTED)
    planted = (outside / PLANTED).is_file()
    if written:
        problems.append(f"written outside: {written[:3]}")
    if not planted:
        problems.append("the planted leftover was swept through the link")
    check = check_store(manifest, out, data, skip_ids=below)
    if check.ok != check.expected:
        problems.append(f"others stored {check.ok}/{check.expected}")
    return {
        "case": case.name,
        "problems": problems,
        "refused_clearly": clear,
        "writes_outside": len(written),
        "planted_kept": planted,
        "files_refused": len(failed & below),
        "others_stored": check.ok,
        "others_expected": check.expected,
    }
