"""Processes of the chaos checks: a faulty simulator (`chaos.sim_server`) and the real CLI.

The simulator is `bench.simulator_process.SimulatorProcess` started on `chaos.sim_server`
with fault flags; the CLI runs as `python -m cpbatch` with a clean environment
(`bench.commands.clean_environ`) pointed at it, either to completion (`run_cli`, measured by
`bench.measure.run_measured`) or in the background, to be killed (`start_cli`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.commands import CpbatchSettings, clean_environ
from bench.measure import Measurement, run_measured
from bench.simulator_process import (
    ORG_CODE,
    REPO_ROOT,
    BenchError,
    SimulatorProcess,
    WorldSpec,
)

__all__ = [
    "ORG_CODE",
    "REPO_ROOT",
    "BenchError",
    "ChaosSimulator",
    "CliRun",
    "FaultSpec",
    "WorldSpec",
    "cpbatch_env",
    "json_report",
    "log_events",
    "run_cli",
    "start_cli",
]

# Settings cpbatch reads that `bench.commands.clean_environ` does not know (yet): never inherited.
EXTRA_VARIABLES = (
    "READ_TIMEOUT",
    "MIN_SPEED",
    "RETRY_MAX_WAIT",
    "CONNECT_TIMEOUT",
    "SECRET_KEY",
    "BOT_",
)
CLI_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class FaultSpec:
    """The simulator's fault flags. Rates are the injector's own (sequential draws: see
    `marginal`, which turns wanted shares of all requests into these)."""

    rate_5xx: float = 0.0
    rate_429: float = 0.0
    retry_after_s: float = 1.0
    rate_reset: float = 0.0
    rate_truncate: float = 0.0
    rate_stall: float = 0.0
    stall_s: float = 0.0
    rate_trickle: float = 0.0
    trickle_s: float = 1.0
    scope: str = "all"
    seed: int = 0
    fail_file_ids: tuple[int, ...] = ()
    trickle_file_ids: tuple[int, ...] = ()

    @classmethod
    def marginal(
        cls,
        *,
        p_5xx: float,
        p_429: float,
        p_reset: float,
        p_truncate: float,
        p_stall: float,
        **rest: Any,
    ) -> FaultSpec:
        """Rates such that each kind hits that share of file requests. The injector draws
        5xx first, then 429 from what is left, then one body fault from what is left."""
        after_5xx = 1.0 - p_5xx
        after_429 = after_5xx - p_429
        return cls(
            rate_5xx=p_5xx,
            rate_429=p_429 / after_5xx,
            rate_reset=p_reset / after_429,
            rate_truncate=p_truncate / after_429,
            rate_stall=p_stall / after_429,
            **rest,
        )

    def flags(self) -> list[str]:
        flags = [
            "--fault-5xx",
            str(self.rate_5xx),
            "--fault-429",
            str(self.rate_429),
            "--retry-after",
            str(self.retry_after_s),
            "--fault-reset",
            str(self.rate_reset),
            "--fault-truncate",
            str(self.rate_truncate),
            "--fault-stall",
            str(self.rate_stall),
            "--stall-seconds",
            str(self.stall_s),
            "--fault-trickle",
            str(self.rate_trickle),
            "--trickle-seconds",
            str(self.trickle_s),
            "--fault-scope",
            self.scope,
            "--fault-seed",
            str(self.seed),
        ]
        for file_id in self.fail_file_ids:
            flags += ["--fail-file-id", str(file_id)]
        for file_id in self.trickle_file_ids:
            flags += ["--trickle-file-id", str(file_id)]
        return flags


class ChaosSimulator(SimulatorProcess):
    """`with ChaosSimulator(world, scratch, faults) as sim:` a simulator process with faults,
    per-file request counts and a manifest with hashes (see `chaos.sim_server`)."""

    def __init__(self, spec: WorldSpec, scratch: Path, faults: FaultSpec | None = None) -> None:
        super().__init__(spec, scratch)
        self.faults = faults or FaultSpec()

    module = "chaos.sim_server"

    def extra_flags(self) -> list[str]:
        return self.faults.flags()

    def counts(self) -> dict[str, Any]:
        """{"file_requests": {id: n}, "faults": {kind: n}, "api_requests", "api_faults"}."""
        counts: dict[str, Any] = self._control("/chaos/counts")
        return counts

    def reset_stats(self) -> None:
        """Zero the simulator's stats and the chaos counters."""
        self._control("/chaos/reset", method="POST")

    def hashed_manifest(self) -> list[dict[str, Any]]:
        """Every file the org's user may download, with its sha256."""
        entries: list[dict[str, Any]] = self._control(f"/chaos/manifest?org={ORG_CODE}")
        return entries


def cpbatch_env(
    sim: SimulatorProcess, data_dir: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A clean environment pointed at `sim`, JSON logs, a generous local rate limit."""
    env = {k: v for k, v in clean_environ().items() if not k.startswith(EXTRA_VARIABLES)}
    env |= CpbatchSettings().env_overrides(sim, data_dir)
    env |= {"LOG_FORMAT": "json", "COLUMNS": "200"}
    return env | dict(extra or {})


def _argv(args: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cpbatch",
        *args,
        "--env-file",
        "/nonexistent.env",
    ]


def run_cli(
    args: Sequence[str], env: Mapping[str, str], *, cwd: Path, timeout_s: float = CLI_TIMEOUT_S
) -> Measurement:
    """`cpbatch ARGS` to completion (or killed after `timeout_s`)."""
    return run_measured(_argv(args), env=env, cwd=cwd, timeout_s=timeout_s)


@dataclass
class CliRun:
    """A `cpbatch` process running in the background; output goes to files."""

    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    started: float

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL; True if the process was still running when killed."""
        if self.process.poll() is not None:
            return False
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return True

    def wait(self, timeout_s: float = CLI_TIMEOUT_S) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError(f"cpbatch did not finish within {timeout_s:.0f} s") from None

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@contextlib.contextmanager
def start_cli(
    args: Sequence[str], env: Mapping[str, str], *, cwd: Path, logs: Path
) -> Iterator[CliRun]:
    """`with start_cli(...) as run:` cpbatch in the background, killed on exit if running."""
    logs.mkdir(parents=True, exist_ok=True)
    out: IO[bytes]
    err: IO[bytes]
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - the CLI of this repository
            _argv(args), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
    run = CliRun(process, logs / "stdout", logs / "stderr", time.monotonic())
    try:
        yield run
    finally:
        run.kill()


def json_report(measured: Measurement) -> dict[str, Any]:
    """The JSON document cpbatch printed on stdout ({} if none)."""
    try:
        report = json.loads(measured.stdout)
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def log_events(stderr: str) -> list[dict[str, Any]]:
    """The JSON log lines (LOG_FORMAT=json) of a cpbatch run."""
    events = []
    for line in stderr.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events
