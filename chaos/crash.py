"""Chaos: kill -9 in the middle of `cpbatch sync`, then sync again.

`run(size, workdir)`: a generated world (full: 120 files of 50 KB-2 MB plus one ~200 MB file;
smoke: 20 files of 10-300 KB plus one 10 MB file) served by a simulator process without
faults. One clean sync measures the run time T. Then each trial (full 6, smoke 2) starts
`cpbatch sync` into a fresh DATA_DIR and output dir and SIGKILLs it:

    trial 0  while the large file streams into DATA_DIR/blobs/tmp (its temp file is watched
             and the process killed once a seeded share of it is written)
    trial 1  right after the first records appear in file_records (read-only polling)
    others   after a seeded random delay between 5 % and 90 % of T

then copies the database (with its WAL) to read the records committed before the kill, zeroes
the simulator's counters, and syncs again to completion into the same DATA_DIR. A committed
file must get no request during that re-sync; every file must end up placed, recorded and
stored with the manifest's sha256; `cpbatch verify --json` must report a clean store (its
checks are also made here from the database and the blob folder, so the figures exist before
the command does). Finally one blob of a copy of the last trial's store is damaged on purpose:
`verify` must find it, `verify --repair` remove it, and a sync restore the file.

Figures:

    trials                       trials run
    trials_killed                trials whose process was still running when killed
    trials_recovered             re-sync exited 0 and every file is right afterwards
    redownloaded_committed_files committed (recorded) files requested again (must be 0)
    committed_before_rerun       records committed at the kills, all trials together
    verify_clean                 trials whose store the verify step found clean
    verify_available             `cpbatch verify` exists (else the own audit stands in)
    kills_during_large_transfer  kills that left the large file's temp partial
    kills_during_metadata_writes kills with some but not all records committed
    files_lost_or_corrupted      files not right after the re-syncs (must be 0)
    stale_temp_files             kill leftovers still in DATA_DIR/blobs/tmp after the re-syncs
                                 (cpbatch sweeps them only once they are an hour old)
    stale_partial_copies         `.cpbatch-*`/`.part` files left in the output dir after them
    repair_detected              verify found the damaged blob (exit 5, one corrupt)
    repair_fixed                 verify --repair, then verify exits 0 clean
    repair_resync_downloads      files the sync after the repair downloaded (expect 1)
    repair_restored              after that sync every file is right again
    clean_sync_s                 T, the clean sync's wall time
"""

from __future__ import annotations

import logging
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.simulator_process import BenchError
from chaos.processes import (
    ORG_CODE,
    ChaosSimulator,
    CliRun,
    WorldSpec,
    cpbatch_env,
    json_report,
    run_cli,
    start_cli,
)
from chaos.store_check import (
    audit_store,
    blob_path,
    check_store,
    count_records_live,
    damage_blob,
    partial_exports,
    read_records,
    temp_files,
)

log = logging.getLogger("chaos.crash")

MB = 1_000_000
SEED = 20_240_602
CONCURRENCY = "8"
POLL_S = 0.001
WORLDS = {
    "full": WorldSpec(
        files=120,
        min_size=50_000,
        max_size=2 * MB,
        folder_depth=2,
        per_folder=10,
        seed=SEED,
        large_files=(200 * MB,),
    ),
    "smoke": WorldSpec(
        files=20,
        min_size=10_000,
        max_size=300_000,
        folder_depth=2,
        per_folder=5,
        seed=SEED,
        large_files=(10 * MB,),
    ),
}
TRIALS = {"full": 6, "smoke": 2}
LARGE_TRANSFER_ATTEMPTS = 3
SETTINGS = {"MAX_RETRIES": "3", "RETRY_BACKOFF_FACTOR": "0.05"}
VERIFY_PROBLEMS_EXIT = 5


def run(size: str, workdir: Path) -> dict[str, object]:
    """Clean run, kill trials, repair check at `size` ("full" or "smoke")."""
    world = WORLDS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-crash-", dir=workdir))
    rng = random.Random(SEED)  # noqa: S311 - reproducible kill moments
    try:
        with ChaosSimulator(world, scratch) as sim:
            crash = CrashRun(sim, world, scratch, sim.hashed_manifest())
            clean_s = crash.clean_run()
            for number in range(TRIALS[size]):
                crash.trial(number, clean_s, rng)
            figures = crash.figures()
            figures |= crash.repair_check(crash.last_trial_dir, rng)
            figures["clean_sync_s"] = round(clean_s, 2)
            return figures
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class VerifyOutcome:
    available: bool
    exit_code: int
    report: dict[str, Any]


def run_verify(env: dict[str, str], cwd: Path, *, repair: bool = False) -> VerifyOutcome:
    """`cpbatch verify --json [--repair]`; `available` False when the command does not exist."""
    args = ["verify", "--json", *(["--repair"] if repair else [])]
    measured = run_cli(args, env, cwd=cwd, timeout_s=600)
    missing = measured.returncode == 2 and "invalid choice" in measured.stderr
    return VerifyOutcome(not missing, measured.returncode, json_report(measured))


def _problems(report: dict[str, Any]) -> int:
    total = 0
    for key in ("missing", "corrupt", "orphan_blobs"):
        value = report.get(key)
        total += len(value) if isinstance(value, list) else int(value or 0)
    return total


class CrashRun:
    def __init__(
        self, sim: ChaosSimulator, world: WorldSpec, scratch: Path, manifest: list[dict[str, Any]]
    ) -> None:
        self.sim = sim
        self.world = world
        self.scratch = scratch
        self.manifest = manifest
        self.large_size = max(world.large_files)
        self.trials = self.killed = self.recovered = 0
        self.redownloaded = self.committed = self.verify_clean = 0
        self.large_kills = self.metadata_kills = self.lost = 0
        self.stale_temps = self.stale_exports = 0
        self.verify_available = True
        self.last_trial_dir = scratch

    def _env(self, data: Path) -> dict[str, str]:
        return cpbatch_env(self.sim, data, SETTINGS)

    def _sync_args(self, output: Path) -> list[str]:
        return ["sync", ORG_CODE, "-o", str(output), "--concurrency", CONCURRENCY, "--json"]

    def clean_run(self) -> float:
        work = self.scratch / "clean"
        measured = run_cli(self._sync_args(work / "out"), self._env(work / "data"), cwd=work.parent)
        check = check_store(self.manifest, work / "out", work / "data")
        if measured.returncode != 0 or check.ok != check.expected:
            raise BenchError(
                f"the clean sync failed (exit {measured.returncode}, {check.ok} of "
                f"{check.expected} files right): {measured.stderr[-2000:]}"
            )
        shutil.rmtree(work, ignore_errors=True)
        return measured.wall_s

    # ------------------------------------------------------------------ kill policies

    def _large_temp(self, data: Path) -> int:
        """Size of the large file's temp file (the only one larger than any other file)."""
        sizes = [_size(p) for p in temp_files(data)]
        big = [s for s in sizes if s > self.world.max_size]
        return max(big, default=0)

    def _kill_when(self, run: CliRun, ready: Callable[[], bool], limit_s: float) -> bool:
        deadline = time.monotonic() + limit_s
        while run.running() and time.monotonic() < deadline:
            if ready():
                return run.kill()
            time.sleep(POLL_S)
        return run.kill()

    def _attempt(
        self, work: Path, policy: Callable[[CliRun, Path], bool]
    ) -> tuple[bool, Path, Path]:
        shutil.rmtree(work, ignore_errors=True)
        output, data = work / "out", work / "data"
        with start_cli(
            self._sync_args(output), self._env(data), cwd=work.parent, logs=work / "killed-run"
        ) as running:
            killed = policy(running, data)
        return killed, output, data

    def trial(self, number: int, clean_s: float, rng: random.Random) -> None:
        work = self.scratch / f"trial-{number}"
        self.last_trial_dir = work
        limit = 10 * clean_s + 30
        if number == 0:
            share = rng.uniform(0.2, 0.7)
            for _ in range(LARGE_TRANSFER_ATTEMPTS):
                at = share * self.large_size

                def large_written(run: CliRun, data: Path, at: float = at) -> bool:
                    return self._kill_when(run, lambda: self._large_temp(data) >= at, limit)

                killed, output, data = self._attempt(work, large_written)
                if killed and self._large_temp(data) > 0:
                    break
                share /= 2  # it finished first: kill earlier next time
        elif number == 1:
            killed, output, data = self._attempt(
                work,
                lambda run, data: self._kill_when(run, lambda: count_records_live(data) > 0, limit),
            )
        else:
            delay = rng.uniform(0.05, 0.9) * clean_s

            def after_delay(run: CliRun, _: Path) -> bool:
                return self._kill_when(run, lambda: run.elapsed >= delay, limit)

            killed, output, data = self._attempt(work, after_delay)
        self._recover(number, killed, output, data, work)

    # ------------------------------------------------------------------ recovery

    def _recover(self, number: int, killed: bool, output: Path, data: Path, work: Path) -> None:
        self.trials += 1
        self.killed += killed
        committed = read_records(data)
        self.committed += len(committed)
        large_partial = 0 < self._large_temp(data) < self.large_size
        self.large_kills += large_partial
        expected = len(self.manifest)
        self.metadata_kills += 0 < len(committed) < expected
        self.sim.reset_stats()
        rerun = run_cli(self._sync_args(output), self._env(data), cwd=work.parent)
        requests: dict[str, int] = self.sim.counts()["file_requests"]
        again = sum(1 for r in committed if requests.get(str(r.file_id), 0) > 0)
        self.redownloaded += again
        check = check_store(self.manifest, output, data)
        self.lost += check.lost_or_corrupted
        self.stale_temps += len(temp_files(data))
        self.stale_exports += len(partial_exports(output))
        healthy = (
            check.ok == check.expected
            and check.orphan_blobs == 0
            and check.records_without_blob == 0
        )
        self.recovered += rerun.returncode == 0 and healthy
        verify = run_verify(self._env(data), work.parent)
        audit = audit_store(data)
        if verify.available:
            clean = verify.exit_code == 0 and _problems(verify.report) == 0
        else:
            self.verify_available = False
            clean = audit.clean
        self.verify_clean += clean and audit.clean
        log.info(
            "trial %d: killed=%s committed=%d/%d large_partial=%s rerun_exit=%d "
            "redownloaded=%d ok=%d/%d verify_clean=%s",
            number, killed, len(committed), expected, large_partial, rerun.returncode,
            again, check.ok, check.expected, clean,
        )  # fmt: skip

    def figures(self) -> dict[str, object]:
        return {
            "trials": self.trials,
            "trials_killed": self.killed,
            "trials_recovered": self.recovered,
            "redownloaded_committed_files": self.redownloaded,
            "committed_before_rerun": self.committed,
            "verify_clean": self.verify_clean,
            "verify_available": self.verify_available,
            "kills_during_large_transfer": self.large_kills,
            "kills_during_metadata_writes": self.metadata_kills,
            "files_lost_or_corrupted": self.lost,
            "stale_temp_files": self.stale_temps,
            "stale_partial_copies": self.stale_exports,
        }

    # ------------------------------------------------------------------ repair

    def repair_check(self, trial_dir: Path, rng: random.Random) -> dict[str, object]:
        """Damage one blob of a copy of a recovered store; verify, repair, sync again."""
        work = self.scratch / "damaged"
        shutil.copytree(trial_dir / "data", work / "data")
        shutil.copytree(trial_dir / "out", work / "out")
        data, output = work / "data", work / "out"
        records = sorted(read_records(data), key=lambda r: r.key)
        victim = rng.choice([r for r in records if r.size < self.large_size])
        damage_blob(blob_path(data, victim.sha256))
        env = self._env(data)
        found = run_verify(env, work.parent)
        if not found.available:
            audit = audit_store(data)
            return {
                "repair_detected": audit.corrupt == 1,
                "repair_fixed": False,
                "repair_resync_downloads": 0,
                "repair_restored": False,
            }
        corrupt = found.report.get("corrupt") or []
        detected = found.exit_code == VERIFY_PROBLEMS_EXIT and len(corrupt) == 1
        repaired = run_verify(env, work.parent, repair=True)
        after = run_verify(env, work.parent)
        fixed = repaired.exit_code == 0 and after.exit_code == 0 and _problems(after.report) == 0
        resync = run_cli(self._sync_args(output), env, cwd=work.parent)
        downloads = int(json_report(resync).get("downloaded_files", -1))
        check = check_store(self.manifest, output, data)
        log.info(
            "repair: verify exit %d (%d corrupt), repair exit %d, after exit %d, resync exit %d "
            "downloaded %d, ok %d/%d",
            found.exit_code, len(corrupt), repaired.exit_code, after.exit_code,
            resync.returncode, downloads, check.ok, check.expected,
        )  # fmt: skip
        return {
            "repair_detected": detected,
            "repair_fixed": fixed,
            "repair_resync_downloads": downloads,
            "repair_restored": resync.returncode == 0 and check.ok == check.expected,
        }


def _size(path: Path) -> int:
    """0 for a temp file that is gone: cpbatch renames it into place while we watch."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
