"""Chaos: upstream faults. The real `cpbatch` CLI against a faulty simulator process.

`run(size, workdir)` runs three checks and returns their figures (all computed):

1. Faulted sync: a generated world (full: 200 files of 10 KB-5 MB plus one ~300 MB file;
   smoke: 30 files of 10-500 KB plus one 8 MB file) served with 20 % of requests faulted
   (5xx 5 %, 429 with Retry-After 4 %, reset mid-body 4 %, truncated body 4 %, stall longer
   than READ_TIMEOUT 3 %; scope "all", so listings are faulted too), synced with MAX_RETRIES=10,
   RETRY_BACKOFF_FACTOR=0.05, RETRY_MAX_WAIT=2, READ_TIMEOUT=1 into a fresh DATA_DIR; re-run
   (as a user would) while some files failed, at most MAX_SYNC_RUNS times.

    files_expected             files in the simulator's manifest
    files_stored_ok            files whose placed copy AND record AND blob hash to the
                               manifest's sha256
    faults_injected            faulted requests, as planned by the simulator's injector
    faults_5xx, faults_429, faults_reset, faults_truncate, faults_stall   the same, by kind
    fault_kinds_seen           how many of those five kinds were injected at least once
    requests_total             requests the simulator served (API and files)
    fault_rate                 faults_injected / requests_total
    error_statuses             4xx/5xx statuses in the simulator's own stats (cross-check)
    retries                    retries in cpbatch's JSON reports (summed over the runs)
    resumed                    resumed transfers in cpbatch's JSON reports (summed)
    stall_timeouts             transfers cpbatch resumed after a read timeout (its JSON logs)
    temp_or_partial_files_left files in DATA_DIR/blobs/tmp plus `.part`/`.cpbatch-*` files
                               under the output dir after the last run (must be 0)
    orphan_blobs               blobs no record points at after the last run
    sync_runs_needed           sync runs until one exited 0 (MAX_SYNC_RUNS+1: never)
    faulted_sync_s             wall time of those runs together

2. Persistent failure: the same world, no random faults, one file answering 500 always
   (MAX_RETRIES=2).

    exit_code                  of `cpbatch sync` (must be 5)
    failed_ids_match           the report's failures are exactly that file, with a reason
    others_stored              the other files, stored and placed right (hashes checked)
    others_expected            how many other files there are
    failed_file_absent         no record, blob or placed copy of the failing file

3. Malformed upstream: `chaos.bad_upstream` spoils one endpoint (org lookup, courses,
   content) in one way (malformed JSON, wrong types, missing fields, HTML page, redirect
   loop); `cpbatch batches` and `sync` (content: `files` and `sync`) run against it. A case is
   clear when every command exits non-zero with a meaningful code (2-9, not 1 "unexpected"),
   names the endpoint path on stderr (or, for a sync exiting 5, in its failure report), prints
   no Traceback, and leaves nothing half-written (no temp file, no blob without a record, no
   record without a blob, no partial copy).

    cases                      endpoints x kinds
    cases_clear                cases that passed all of the above
    cases_exit_upstream        cases where every command exited 6 (upstream)
    tracebacks                 commands that printed a Traceback (must be 0)
    half_written               leftovers of all cases (temp files, orphans, partial copies)
    malformed_baseline_ok      the unspoiled proxy syncs cleanly (the cases mean something)
"""

from __future__ import annotations

import logging
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.commands import clean_environ
from bench.measure import Measurement
from bench.simulator_process import BenchError
from chaos.bad_upstream import ENDPOINTS, KINDS, BadUpstream
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
from chaos.store_check import (
    check_store,
    partial_exports,
    read_placements,
    read_records,
    stored_blobs,
    temp_files,
)

log = logging.getLogger("chaos.faults")

MB = 1_000_000
MAX_SYNC_RUNS = 5
SEED = 20_240_601
WORLDS = {
    "full": WorldSpec(
        files=200,
        min_size=10_000,
        max_size=5 * MB,
        folder_depth=2,
        per_folder=10,
        seed=SEED,
        large_files=(300 * MB,),
    ),
    "smoke": WorldSpec(
        files=30,
        min_size=10_000,
        max_size=500_000,
        folder_depth=2,
        per_folder=6,
        seed=SEED,
        large_files=(8 * MB,),
    ),
}
# Seeds of the fault draws; the smoke one makes its few requests meet every kind of fault.
FAULT_SEEDS = {"full": SEED, "smoke": 7}


def fault_spec(seed: int) -> FaultSpec:
    """20 % of requests faulted: 5xx 5 %, 429 4 %, reset 4 %, truncate 4 %, stall 3 %."""
    return FaultSpec.marginal(
        p_5xx=0.05,
        p_429=0.04,
        p_reset=0.04,
        p_truncate=0.04,
        p_stall=0.03,
        retry_after_s=0.2,
        stall_s=2.0,
        scope="all",
        seed=seed,
    )


FAULTED_SETTINGS = {
    "MAX_RETRIES": "10",
    "RETRY_BACKOFF_FACTOR": "0.05",
    "RETRY_MAX_WAIT": "2",
    "READ_TIMEOUT": "1",
}
PERSISTENT_SETTINGS = {"MAX_RETRIES": "2", "RETRY_BACKOFF_FACTOR": "0.05", "RETRY_MAX_WAIT": "2"}
CONCURRENCY = "8"
FAULT_KINDS = ("5xx", "429", "reset", "truncate", "stall")
CLEAR_CODES = frozenset(range(2, 10))
UPSTREAM_EXIT = 6
PARTIAL_EXIT = 5


def run(size: str, workdir: Path) -> dict[str, object]:
    """All three checks at `size` ("full" or "smoke"); scratch space under `workdir`."""
    world = WORLDS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="chaos-faults-", dir=workdir))
    try:
        figures: dict[str, object] = {}
        faulted, manifest = faulted_sync(world, fault_spec(FAULT_SEEDS[size]), scratch)
        figures |= faulted
        figures |= persistent_failure(world, scratch, manifest)
        figures |= malformed_upstream(scratch)
        return figures
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _sync_args(output: Path) -> list[str]:
    return ["sync", ORG_CODE, "-o", str(output), "--concurrency", CONCURRENCY, "--json"]


def faulted_sync(
    world: WorldSpec, faults: FaultSpec, scratch: Path
) -> tuple[dict[str, object], list[dict[str, Any]]]:
    work = scratch / "faulted"
    output, data = work / "out", work / "data"
    with ChaosSimulator(world, scratch, faults) as sim:
        manifest = sim.hashed_manifest()
        sim.reset_stats()
        env = cpbatch_env(sim, data, FAULTED_SETTINGS)
        runs: list[Measurement] = []
        started = time.perf_counter()
        while len(runs) < MAX_SYNC_RUNS:
            runs.append(run_cli(_sync_args(output), env, cwd=work.parent))
            if runs[-1].returncode == 0:
                break
            log.info("faulted sync run %d exited %d", len(runs), runs[-1].returncode)
        elapsed = time.perf_counter() - started
        counts, stats = sim.counts(), sim.stats()
    reports = [json_report(m) for m in runs]
    events = [e for m in runs for e in log_events(m.stderr)]
    by_kind: dict[str, int] = counts["faults"]
    requests_total = counts["api_requests"] + stats["file_requests"]
    injected = sum(by_kind.values())
    check = check_store(manifest, output, data)
    succeeded = runs[-1].returncode == 0
    return {
        "files_expected": len(manifest),
        "files_stored_ok": check.ok,
        "faults_injected": injected,
        **{f"faults_{kind}": int(by_kind.get(kind, 0)) for kind in FAULT_KINDS},
        "fault_kinds_seen": sum(1 for kind in FAULT_KINDS if by_kind.get(kind)),
        "requests_total": requests_total,
        "fault_rate": round(injected / requests_total, 4) if requests_total else 0.0,
        "error_statuses": sum(n for s, n in stats["statuses"].items() if int(s) >= 400),
        "retries": sum(int(r.get("retries", 0)) for r in reports),
        "resumed": sum(int(r.get("resumed_transfers", 0)) for r in reports),
        "stall_timeouts": sum(
            1
            for e in events
            if e.get("event") == "classplus_resume" and e.get("reason") == "timeout"
        ),
        "temp_or_partial_files_left": check.temp_files + check.partial_exports,
        "orphan_blobs": check.orphan_blobs,
        "sync_runs_needed": len(runs) if succeeded else MAX_SYNC_RUNS + 1,
        "faulted_sync_s": round(elapsed, 2),
    }, manifest


def persistent_failure(
    world: WorldSpec, scratch: Path, manifest: list[dict[str, Any]]
) -> dict[str, object]:
    work = scratch / "persistent"
    output, data = work / "out", work / "data"
    largest = max(int(e["size"]) for e in manifest)
    candidates = sorted(int(e["file_id"]) for e in manifest if int(e["size"]) < largest)
    failing = random.Random(SEED).choice(candidates)  # noqa: S311 - a reproducible pick
    with ChaosSimulator(world, scratch, FaultSpec(fail_file_ids=(failing,))) as sim:
        env = cpbatch_env(sim, data, PERSISTENT_SETTINGS)
        measured = run_cli(_sync_args(output), env, cwd=work.parent)
    report = json_report(measured)
    failures = report.get("failures") or []
    failed_ids = sorted(int(f.get("file_id", -1)) for f in failures)
    reasons = [str(f.get("reason") or "") for f in failures]
    check = check_store(manifest, output, data, skip_ids=[failing])
    entry = next(e for e in manifest if int(e["file_id"]) == failing)
    recorded = any(r.file_id == failing for r in read_records(data)) or any(
        p.file_id == failing for p in read_placements(data)
    )
    blob_there = str(entry["sha256"]) in stored_blobs(data)
    placed = any(p.name == entry["name"] for p in output.rglob("*")) if output.is_dir() else False
    return {
        "exit_code": measured.returncode,
        "failed_ids_match": failed_ids == [failing]
        and all(reasons)
        and report.get("failed_files") == 1,
        "others_stored": check.ok,
        "others_expected": check.expected,
        "failed_file_absent": not (recorded or blob_there or placed),
    }


def _bad_env(bad: BadUpstream, data: Path) -> dict[str, str]:
    return clean_environ() | {
        "CLASSPLUS_BASE_URL": bad.base_url,
        "CLASSPLUS_TOKEN": bad.token,
        "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
        "CLASSPLUS_ALLOW_LOOPBACK": "true",
        "RATE_LIMIT_REQUESTS": "1000",
        "MAX_RETRIES": "2",
        "RETRY_BACKOFF_FACTOR": "0.01",
        "DATA_DIR": str(data),
        "COLUMNS": "200",
    }


def _leftovers(data: Path, output: Path) -> int:
    blobs = set(stored_blobs(data))
    recorded = {r.sha256 for r in read_records(data)}
    return (
        len(temp_files(data))
        + len(blobs - recorded)
        + len(recorded - blobs)
        + len(partial_exports(output))
    )


@dataclass
class CaseResult:
    problems: list[str] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    tracebacks: int = 0
    leftovers: int = 0


def _malformed_case(
    bad: BadUpstream, endpoint: str, kind: str, batch_id: str, scratch: Path
) -> CaseResult:
    """Spoil `endpoint` with `kind`, run the two commands that reach it, judge what they did."""
    bad.spoil(endpoint, kind)
    path = f"/v2/orgs/{bad.org_code}" if endpoint == "org" else ENDPOINTS[endpoint]
    work = scratch / f"malformed-{endpoint}-{kind}"
    output, data = work / "out", work / "data"
    env = _bad_env(bad, data)
    first = (
        ["files", bad.org_code, batch_id] if endpoint == "content" else ["batches", bad.org_code]
    )
    result = CaseResult()
    for args in (first, ["sync", bad.org_code, "-o", str(output)]):
        measured = run_cli(args, env, cwd=scratch, timeout_s=120)
        result.exit_codes.append(measured.returncode)
        if "Traceback" in measured.stderr + measured.stdout:
            result.tracebacks += 1
            result.problems.append(f"{args[0]}: Traceback")
        if measured.returncode not in CLEAR_CODES:
            result.problems.append(f"{args[0]}: exit {measured.returncode}")
        named = path in measured.stderr or (
            measured.returncode == PARTIAL_EXIT and path in measured.stdout
        )
        if not named:
            said = measured.stderr.strip().splitlines()[-1:] or ["(nothing)"]
            result.problems.append(
                f"{args[0]}: exit {measured.returncode}, {path} not named ({said[0][:160]})"
            )
    result.leftovers = _leftovers(data, output)
    if result.leftovers:
        result.problems.append(f"{result.leftovers} half-written file(s)")
    if bad.spoiled == 0:
        result.problems.append("the endpoint was never asked")
    bad.spoil(None)
    return result


def malformed_upstream(scratch: Path) -> dict[str, object]:
    results: list[CaseResult] = []
    with BadUpstream() as bad:
        baseline = scratch / "malformed-baseline"
        env = _bad_env(bad, baseline / "data")
        listing = run_cli(["batches", bad.org_code, "--json"], env, cwd=scratch)
        batches = json_report(listing).get("batches") or []
        if listing.returncode != 0 or not batches:
            raise BenchError(f"the unspoiled proxy does not work: {listing.stderr[-2000:]}")
        batch_id = str(batches[0]["batch_id"])
        synced = run_cli(["sync", bad.org_code, "-o", str(baseline / "out")], env, cwd=scratch)
        baseline_ok = synced.returncode == 0
        for endpoint in ENDPOINTS:
            for kind in KINDS:
                result = _malformed_case(bad, endpoint, kind, batch_id, scratch)
                if result.problems:
                    log.warning("malformed %s/%s not clear: %s", endpoint, kind, result.problems)
                results.append(result)
    return {
        "cases": len(results),
        "cases_clear": sum(1 for r in results if not r.problems),
        "cases_exit_upstream": sum(
            1 for r in results if all(code == UPSTREAM_EXIT for code in r.exit_codes)
        ),
        "tracebacks": sum(r.tracebacks for r in results),
        "half_written": sum(r.leftovers for r in results),
        "malformed_baseline_ok": baseline_ok,
    }
