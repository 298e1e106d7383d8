"""The two commands being compared: the real `cpbatch sync` CLI, and curl as the peer."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import Measurement, run_measured
from bench.simulator_process import ORG_CODE, BenchError, SimulatorProcess

CURL = "/usr/bin/curl"
# A local simulator is no upstream to be gentle with; the real host keeps its default of 5/s.
DEFAULT_RATE_LIMIT = 1000
REAL_HOST_RATE_LIMIT = 5
# Settings cpbatch reads from the environment (README, "Configuration"): never inherited.
CPBATCH_VARIABLES = (
    "CLASSPLUS_",
    "MONGODB_",
    "DATABASE_NAME",
    "DATA_DIR",
    "DOWNLOAD_DIR",
    "CACHE_",
    "MEMORY_CACHE_",
    "RATE_LIMIT_",
    "API_TIMEOUT",
    "MAX_RETRIES",
    "MAX_FILE_SIZE",
    "MAX_LISTING_",
    "RETRY_BACKOFF_FACTOR",
    "SYNC_CONCURRENCY",
    "INLINE_FILE_LIMIT_MB",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "DURABILITY",
)


@dataclass(frozen=True)
class CpbatchSettings:
    concurrency: int = 8
    rate_limit_requests: int = DEFAULT_RATE_LIMIT
    durability: str | None = None  # None: cpbatch's default

    def env_overrides(self, sim: SimulatorProcess, data_dir: Path) -> dict[str, str]:
        return {
            "CLASSPLUS_BASE_URL": sim.base_url,
            "CLASSPLUS_TOKEN": sim.token,
            # The simulator serves files over plain http on loopback, which only this opt-in allows.
            "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": str(self.rate_limit_requests),
            "DATA_DIR": str(data_dir),
        } | ({} if self.durability is None else {"DURABILITY": self.durability})

    def describe(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "RATE_LIMIT_REQUESTS": self.rate_limit_requests,
            "RATE_LIMIT_REQUESTS_note": (
                f"used against the local simulator only; the real host keeps the "
                f"upstream-friendly default of {REAL_HOST_RATE_LIMIT}/s"
            ),
        }


def clean_environ() -> dict[str, str]:
    """The benchmark's environment without any cpbatch setting that could leak in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(CPBATCH_VARIABLES)}


def run_cpbatch_sync(
    sim: SimulatorProcess,
    settings: CpbatchSettings,
    *,
    output: Path,
    data_dir: Path,
    cwd: Path,
    timeout_s: float = 3600.0,
) -> tuple[Measurement, dict[str, Any]]:
    """`cpbatch sync benchorg -o OUTPUT --concurrency N --json`; returns the measurement and
    the JSON report. Raises BenchError unless every file was synced."""
    env = clean_environ() | settings.env_overrides(sim, data_dir)
    argv = [
        sys.executable,
        "-m",
        "cpbatch",
        "sync",
        ORG_CODE,
        "-o",
        str(output),
        "--concurrency",
        str(settings.concurrency),
        "--json",
        "--env-file",
        "/nonexistent",
    ]
    measured = run_measured(argv, env=env, cwd=cwd, timeout_s=timeout_s)
    if measured.returncode != 0:
        raise BenchError(
            f"cpbatch sync exited with {measured.returncode}"
            f"{' (timed out)' if measured.timed_out else ''}: {measured.stderr[-2000:]}"
        )
    try:
        report: dict[str, Any] = json.loads(measured.stdout)
    except ValueError as error:
        raise BenchError(f"cpbatch sync printed no JSON report: {measured.stdout[:500]}") from error
    if report.get("failed_files"):
        raise BenchError(f"cpbatch sync failed files: {report.get('failures')}")
    return measured, report


def _quoted(text: str) -> str:
    """A curl config-file string: double quotes, backslash escapes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_curl_config(manifest: Sequence[dict[str, Any]], output: Path, config: Path) -> None:
    """`url = ...` / `output = ...` pairs: each file to OUTPUT/course <id>/<folders>/<name>."""
    lines = []
    for entry in manifest:
        target = output / f"course {entry['batch_id']}"
        for part in entry["folder_path"]:
            target = target / part
        target = target / f"{entry['file_id']} {entry['name']}"
        lines.append(f"url = {_quoted(entry['url'])}")
        lines.append(f"output = {_quoted(str(target))}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def curl_argv(config: Path, parallel: int) -> list[str]:
    # -q first: ignore any ~/.curlrc. File URLs need no auth header (the CDN is public).
    return [
        CURL,
        "-q",
        "--parallel",
        "--parallel-max",
        str(parallel),
        "--create-dirs",
        "-s",
        "--fail",
        "-K",
        str(config),
    ]


def run_curl(config: Path, parallel: int, *, cwd: Path, timeout_s: float = 3600.0) -> Measurement:
    measured = run_measured(
        curl_argv(config, parallel), env=clean_environ(), cwd=cwd, timeout_s=timeout_s
    )
    if measured.returncode != 0:
        raise BenchError(f"curl exited with {measured.returncode}: {measured.stderr[-2000:]}")
    return measured
