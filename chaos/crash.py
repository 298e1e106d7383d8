"""Chaos: kill -9 in the middle of `cpbatch sync`, then sync again.

`run(size, workdir)`: a generated world (full: 120 files of 50 KB-2 MB plus one ~200 MB file;
smoke: 20 files of 10-300 KB plus one 10 MB file) served by a simulator process without
faults. One clean sync measures the run time T. Then each trial (full 6, smoke 2) starts
`cpbatch sync` into a fresh DATA_DIR and output dir and SIGKILLs it:

    trial 0  while the large file streams into its partial in the output folder (the partial
             is watched and the process killed once a seeded share of it is written)
    trial 1  right after the first placements are recorded (read-only polling)
    others   after a seeded random delay between 5 % and 90 % of T

then copies the database (with its WAL) to read the placements committed before the kill,
notes the size of every partial left, zeroes the simulator's counters, and syncs again to
completion into the same DATA_DIR. A committed file must get no request during that re-sync,
and a killed file (one with a partial) must continue from its partial: the bytes sent for it
again, beyond what its partial lacked, are its re-downloaded bytes. Every file must end up
placed and recorded with the manifest's sha256; `cpbatch verify --json` must report a clean
store and intact placed files (its checks are also made here from the database). Finally one
placed file of a copy of the last trial is damaged on purpose: `verify` must report it changed,
a sync must leave it alone (an edit is the user's), and once it is removed a sync must download
it alone again.

Figures:

    trials                       trials run
    trials_killed                trials whose process was still running when killed
    trials_recovered             re-sync exited 0 and every file is right afterwards
    redownloaded_committed_files committed (recorded) files requested again (must be 0)
    committed_before_rerun       placements committed at the kills, all trials together
    verify_clean                 trials whose store and placed files the verify step found clean
    verify_available             `cpbatch verify` exists (else the own audit stands in)
    kills_during_large_transfer  kills that left the large file's partial
    kills_during_metadata_writes kills with some but not all placements committed
    killed_files                 files with a partial at a kill, all trials together
    killed_files_bytes_refetched bytes sent again for them beyond what their partials lacked
    max_refetched_per_killed_file  the largest of those, per file (target: one read buffer)
    files_lost_or_corrupted      files not right after the re-syncs (must be 0)
    stale_temp_files             kill leftovers still in DATA_DIR/blobs/tmp after the re-syncs
    stale_partial_copies         `.cpbatch-*`/`.part` files left in the output dir after them
    repair_detected              verify reported the damaged placed file changed (and only it)
    repair_left_alone            the sync after the damage downloaded nothing and kept it
    repair_resync_downloads      files the sync after its removal downloaded (expect 1)
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
    check_store,
    count_placements_live,
    damage_file,
    partial_exports,
    partial_name,
    partials,
    placed_path,
    read_placements,
    sha256_of,
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
        self.killed_files = self.refetched_bytes = self.max_refetched = 0
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

    def _large_partial(self, output: Path) -> int:
        """Size of the large file's partial (the only one larger than any other file)."""
        sizes = [_size(p) for p in partials(output)]
        big = [s for s in sizes if s > self.world.max_size]
        return max(big, default=0)

    def _partial_sizes(self, output: Path, committed: set[int]) -> dict[int, int]:
        """Bytes in each uncommitted file's partial, by file id (files without one: absent)."""
        found: dict[int, int] = {}
        for entry in self.manifest:
            file_id = int(entry["file_id"])
            placed = placed_path(output, entry)
            if file_id in committed or placed is None:
                continue
            size = _size(placed.parent / partial_name(placed.name))
            if size > 0:
                found[file_id] = size
        return found

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
                    output = data.parent / "out"
                    return self._kill_when(run, lambda: self._large_partial(output) >= at, limit)

                killed, output, data = self._attempt(work, large_written)
                if killed and self._large_partial(output) > 0:
                    break
                share /= 2  # it finished first: kill earlier next time
        elif number == 1:
            killed, output, data = self._attempt(
                work,
                lambda run, data: self._kill_when(
                    run, lambda: count_placements_live(data) > 0, limit
                ),
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
        committed = read_placements(data)
        self.committed += len(committed)
        large_partial = 0 < self._large_partial(output) < self.large_size
        self.large_kills += large_partial
        expected = len(self.manifest)
        self.metadata_kills += 0 < len(committed) < expected
        kept = self._partial_sizes(output, {p.file_id for p in committed})
        self.sim.reset_stats()
        rerun = run_cli(self._sync_args(output), self._env(data), cwd=work.parent)
        requests: dict[str, int] = self.sim.counts()["file_requests"]
        again = sum(1 for p in committed if requests.get(str(p.file_id), 0) > 0)
        self.redownloaded += again
        refetched = self._refetched(kept, self.sim.stats()["file_bytes_by_id"])
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
            clean = (
                verify.exit_code == 0
                and _problems(verify.report) == 0
                and _placed_problems(verify.report) == 0
            )
        else:
            self.verify_available = False
            clean = audit.clean
        self.verify_clean += clean and audit.clean
        log.info(
            "trial %d: killed=%s committed=%d/%d large_partial=%s rerun_exit=%d "
            "redownloaded=%d partials=%d refetched=%s ok=%d/%d verify_clean=%s",
            number, killed, len(committed), expected, large_partial, rerun.returncode,
            again, len(kept), refetched, check.ok, check.expected, clean,
        )  # fmt: skip

    def _refetched(self, kept: dict[int, int], sent: dict[str, int]) -> dict[int, int]:
        """Per killed file: bytes sent for it again beyond what its partial lacked."""
        sizes = {int(e["file_id"]): int(e["size"]) for e in self.manifest}
        refetched = {
            file_id: max(0, int(sent.get(str(file_id), 0)) - (sizes[file_id] - partial))
            for file_id, partial in kept.items()
        }
        self.killed_files += len(refetched)
        self.refetched_bytes += sum(refetched.values())
        self.max_refetched = max([self.max_refetched, *refetched.values()])
        return refetched

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
            "killed_files": self.killed_files,
            "killed_files_bytes_refetched": self.refetched_bytes,
            "max_refetched_per_killed_file": self.max_refetched,
            "files_lost_or_corrupted": self.lost,
            "stale_temp_files": self.stale_temps,
            "stale_partial_copies": self.stale_exports,
        }

    # ------------------------------------------------------------------ repair

    def repair_check(self, trial_dir: Path, rng: random.Random) -> dict[str, object]:
        """Damage one placed file of the last (recovered) trial, in place (placements name
        absolute paths): verify reports it, a sync leaves it alone, and once it is removed a
        sync downloads it, alone, again."""
        data, output = trial_dir / "data", trial_dir / "out"
        placed = sorted(read_placements(data), key=lambda p: p.path)
        victim = rng.choice([p for p in placed if p.size < self.large_size])
        target = Path(victim.path)
        if not target.is_relative_to(output):
            raise BenchError(f"a placement outside the trial's output folder: {target}")
        damage_file(target)
        env = self._env(data)
        found = run_verify(env, trial_dir.parent)
        changed = (found.report.get("placed_files") or {}).get("changed") or []
        detected = found.available and changed == [victim.path]
        kept = run_cli(self._sync_args(output), env, cwd=trial_dir.parent)
        left_alone = (
            kept.returncode == 0
            and int(json_report(kept).get("downloaded_files", -1)) == 0
            and sha256_of(target) != _manifest_sha(self.manifest, victim.file_id)
        )
        target.unlink()
        resync = run_cli(self._sync_args(output), env, cwd=trial_dir.parent)
        downloads = int(json_report(resync).get("downloaded_files", -1))
        check = check_store(self.manifest, output, data)
        after = run_verify(env, trial_dir.parent)
        log.info(
            "repair: verify exit %d (%d changed), sync after damage exit %d left alone %s, "
            "resync exit %d downloaded %d, ok %d/%d, verify after exit %d",
            found.exit_code, len(changed), kept.returncode, left_alone, resync.returncode,
            downloads, check.ok, check.expected, after.exit_code,
        )  # fmt: skip
        return {
            "repair_detected": detected,
            "repair_left_alone": left_alone,
            "repair_resync_downloads": downloads,
            "repair_restored": resync.returncode == 0
            and check.ok == check.expected
            and after.exit_code == 0
            and _placed_problems(after.report) == 0,
        }


def _placed_problems(report: dict[str, Any]) -> int:
    placed = report.get("placed_files") or {}
    return len(placed.get("missing") or []) + len(placed.get("changed") or [])


def _manifest_sha(manifest: list[dict[str, Any]], file_id: int) -> str:
    return next(str(e["sha256"]) for e in manifest if int(e["file_id"]) == file_id)


def _size(path: Path) -> int:
    """0 for a temp file that is gone: cpbatch renames it into place while we watch."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
